package org.haven.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.haven.protocol.CloseCode;
import org.haven.server.threads.NodeThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the pipeline. Turns exceptions into close codes (a stack trace never reaches a
 * client, nor a payload the log) and releases anything no handler consumed.
 */
final class ErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    private final ChannelConnection connection;

    ErrorHandler(ChannelConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof VirtualMachineError) {
            NodeThreads.die(cause); // out of memory on an event loop: the node cannot be trusted to go on
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            // The WebSocket decoder is already writing its close frame (1009 for an oversize frame, 1007
            // for bad UTF-8) and closes once it is out; closing here too would race it and lose the code.
            log.debug(
                    "protocol violation connection={} error={}",
                    connection.id(),
                    cause.getClass().getSimpleName());
            connection.closedForViolation();
        } else if (cause instanceof TooLongFrameException) {
            connection.close(CloseCode.MESSAGE_TOO_BIG, "message too big");
        } else if (cause instanceof CorruptedFrameException) {
            connection.close(CloseCode.UNSUPPORTED_DATA, "corrupted frame");
        } else if (cause instanceof IOException) {
            log.debug(
                    "connection error connection={} error={}",
                    connection.id(),
                    cause.getClass().getSimpleName());
            ctx.close();
        } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // Plain text on the TLS port, or a failed handshake: the client's bytes are not logged.
            log.debug(
                    "tls refused connection={} error={}",
                    connection.id(),
                    cause.getCause().getClass().getSimpleName());
            ctx.close();
        } else {
            // Exception messages can quote what a client sent: only the type and where it came from are logged.
            StackTraceElement at = cause.getStackTrace().length > 0 ? cause.getStackTrace()[0] : null;
            log.warn(
                    "unexpected error connection={} error={} at={}",
                    connection.id(),
                    cause.getClass().getName(),
                    at);
            connection.close(CloseCode.INTERNAL_ERROR, "internal error");
        }
    }
}
