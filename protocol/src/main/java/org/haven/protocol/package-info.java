/**
 * Haven's wire protocol: JSON text frames over WebSocket, as sealed record hierarchies
 * ({@link org.haven.protocol.ClientMessage}, {@link org.haven.protocol.ServerMessage}), one codec
 * ({@link org.haven.protocol.ProtocolCodec}), and the documented error and close codes. No Netty here.
 * The published contract is {@code docs/protocol.md} and the JSON Schema
 * {@code schema/haven-protocol.schema.json} shipped in this module.
 */
package org.haven.protocol;
