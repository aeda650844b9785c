package org.haven.loadtest.ceiling;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * The bare server's frames, one letter and a name: {@code N user} names this connection and
 * {@code J room} joins a room (each answered {@code ok}); {@code P room ...} is written as is to
 * every member of the room, the sender included; {@code D user ...} as is to the named connection.
 * Anything else is dropped. Frames are routed by their first bytes, never decoded further.
 */
final class CeilingFrameHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

    private final CeilingRooms rooms;

    CeilingFrameHandler(CeilingRooms rooms) {
        this.rooms = rooms;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        ByteBuf content = frame.content();
        if (content.readableBytes() < 3 || content.getByte(content.readerIndex() + 1) != ' ') {
            return;
        }
        byte kind = content.getByte(content.readerIndex());
        String name = nameAt(content);
        switch (kind) {
            case 'P' -> {
                CeilingRooms.Room room = rooms.existingRoom(name);
                if (room != null) {
                    rooms.post(room, content, ctx.alloc());
                }
            }
            case 'D' -> {
                Channel to = rooms.named(name);
                if (to != null) {
                    rooms.direct(to, content, ctx.alloc());
                }
            }
            case 'J' -> {
                rooms.room(name).add(ctx.channel());
                ctx.writeAndFlush(new TextWebSocketFrame("ok"), ctx.voidPromise());
            }
            case 'N' -> {
                rooms.name(name, ctx.channel());
                ctx.writeAndFlush(new TextWebSocketFrame("ok"), ctx.voidPromise());
            }
            default -> {
                // Not a ceiling frame: dropped.
            }
        }
    }

    // The name runs from the third byte to the next space or the end of the frame.
    private static String nameAt(ByteBuf content) {
        int start = content.readerIndex() + 2;
        int end = content.writerIndex();
        int space = content.indexOf(start, end, (byte) ' ');
        return content.toString(start, (space < 0 ? end : space) - start, StandardCharsets.US_ASCII);
    }
}
