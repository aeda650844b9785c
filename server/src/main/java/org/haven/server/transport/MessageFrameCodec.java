package org.haven.server.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.protocol.ProtocolCodec;

/**
 * Text frames in, {@link org.haven.protocol.Decoded} records out: the edge where bytes become
 * protocol values and every inbound buffer is released. A binary frame closes the connection with
 * {@link CloseCode#UNSUPPORTED_DATA}. (Outbound frames are built by {@link ChannelConnection}.)
 */
final class MessageFrameCodec extends MessageToMessageDecoder<WebSocketFrame> {

    private final ProtocolCodec codec = ProtocolCodec.instance();
    private final ChannelConnection connection;

    MessageFrameCodec(ChannelConnection connection) {
        this.connection = connection;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof CloseWebSocketFrame close) {
            // The close handshake: answer the client's close (or our own close's answer) and end.
            if (!connection.isClosing()) {
                connection.peerSaidGoodbye();
                ctx.channel()
                        .writeAndFlush(new CloseWebSocketFrame(close.statusCode() > 0 ? close.statusCode() : 1000, ""))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        if (connection.isClosing()) {
            return; // waiting for the peer's close frame; nothing it sends now is acted on
        }
        if (frame instanceof TextWebSocketFrame text) {
            Decoded decoded = codec.decodeClient(text.text());
            connection.received(decoded);
            out.add(decoded);
        } else if (frame instanceof BinaryWebSocketFrame) {
            connection.close(CloseCode.UNSUPPORTED_DATA, "binary frames are not part of the protocol");
        }
        // Other frame types (ping, pong, close) are handled by the WebSocket protocol handler.
    }
}
