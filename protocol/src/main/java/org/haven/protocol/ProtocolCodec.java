package org.haven.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * The one JSON codec of the protocol, shared by the server and the client library. Instances are
 * immutable and thread-safe.
 *
 * <p>The reader's limits are set deliberately, below Jackson's defaults: a frame is at most 64 KiB,
 * so no legitimate message nests deeper than {@value #MAX_NESTING_DEPTH} levels, holds a number
 * longer than {@value #MAX_NUMBER_LENGTH} digits, or a string longer than the frame.
 */
public final class ProtocolCodec {

    /** Deepest JSON nesting accepted. */
    public static final int MAX_NESTING_DEPTH = 16;
    /** Longest JSON number accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 24;
    /** Longest JSON string accepted, in characters. */
    public static final int MAX_STRING_LENGTH = 64 * 1024;

    private static final ProtocolCodec INSTANCE = new ProtocolCodec();

    private final ObjectMapper mapper;
    private final ObjectReader clientReader;
    private final ObjectReader serverReader;
    private final ObjectWriter serverWriter;
    private final ObjectWriter clientWriter;

    private ProtocolCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNameLength(256)
                        .build())
                .build();
        mapper = JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // "id": 5 is a wrongly typed field, not the string "5".
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        clientReader = mapper.readerFor(ClientMessage.class);
        serverReader = mapper.readerFor(ServerMessage.class);
        serverWriter = mapper.writerFor(ServerMessage.class);
        clientWriter = mapper.writerFor(ClientMessage.class);
    }

    /** The shared codec. */
    public static ProtocolCodec instance() {
        return INSTANCE;
    }

    /** Encodes a server message to its JSON text. */
    public String encode(ServerMessage message) {
        try {
            return serverWriter.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Encodes a client message to its JSON text. */
    public String encode(ClientMessage message) {
        try {
            return clientWriter.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a server message; the client library's side. Throws on input the server never sends. */
    public ServerMessage decodeServer(String text) {
        try {
            return serverReader.readValue(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a server message: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Decodes one text frame from a client. Never throws on bad input: the answer says what was
     * wrong, in words that never quote the payload back.
     */
    public Decoded decodeClient(String text) {
        if (text.isBlank()) {
            return new Decoded.Invalid(null, ErrorCode.MALFORMED_JSON, "the frame is empty");
        }
        try {
            ClientMessage message = clientReader.readValue(text);
            if (message == null) { // the JSON literal null
                return new Decoded.Invalid(null, ErrorCode.INVALID_MESSAGE, "the frame must be a JSON object");
            }
            return new Decoded.Message(message);
        } catch (InvalidTypeIdException e) {
            if (!isObject(text)) {
                return new Decoded.Invalid(null, ErrorCode.INVALID_MESSAGE, "the frame must be a JSON object");
            }
            String id = readId(text);
            return new Decoded.Invalid(
                    id,
                    ErrorCode.UNKNOWN_TYPE,
                    e.getTypeId() == null ? "the message has no type" : "unknown message type");
        } catch (JsonProcessingException e) {
            Refusal refusal = refusalOf(e, "frame");
            String id = refusal.code() == ErrorCode.INVALID_MESSAGE ? readId(text) : null;
            return new Decoded.Invalid(id, refusal.code(), refusal.getMessage());
        }
    }

    /**
     * Decodes a JSON document of {@code type} (a body of the server API, made of this package's
     * records) with the same reader limits and strictness as a frame; the records' constructors
     * validate as they do in messages.
     *
     * @throws Refusal with {@code malformed_json}, {@code message_too_complex} or
     *     {@code invalid_message}, in words that never quote the payload back
     */
    public <T> T decodeBody(String text, Class<T> type) {
        if (text.isBlank()) {
            throw new Refusal(ErrorCode.MALFORMED_JSON, "the body is empty");
        }
        try {
            T value = mapper.readerFor(type).readValue(text);
            if (value == null) { // the JSON literal null
                throw new Refusal(ErrorCode.INVALID_MESSAGE, "the body must be a JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw refusalOf(e, "body");
        }
    }

    /** Encodes a value made of this package's records (a body of the server API) as a frame would carry it. */
    public String encodeValue(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** What a reader's failure means for the sender of a {@code what} (frame or body): a code and plain words. */
    private static Refusal refusalOf(JsonProcessingException e, String what) {
        if (e instanceof StreamConstraintsException) {
            return new Refusal(
                    ErrorCode.MESSAGE_TOO_COMPLEX,
                    "the JSON exceeds a reader limit (depth " + MAX_NESTING_DEPTH + ", number " + MAX_NUMBER_LENGTH
                            + " characters)");
        }
        if (e instanceof JsonParseException) {
            return new Refusal(ErrorCode.MALFORMED_JSON, "the " + what + " is not valid JSON");
        }
        if (e instanceof ValueInstantiationException) {
            Throwable cause = e.getCause();
            String reason = cause instanceof IllegalArgumentException && cause.getMessage() != null
                    ? cause.getMessage()
                    : "a field is invalid";
            return new Refusal(ErrorCode.INVALID_MESSAGE, reason);
        }
        if (e instanceof MismatchedInputException m) {
            String path = pathOf(m);
            return new Refusal(
                    ErrorCode.INVALID_MESSAGE,
                    path.isEmpty() ? "the " + what + " must be a JSON object" : path + ": wrong type or value");
        }
        if (e instanceof JsonMappingException m) {
            String path = pathOf(m);
            return new Refusal(
                    ErrorCode.INVALID_MESSAGE, path.isEmpty() ? "the message is invalid" : path + ": invalid");
        }
        return new Refusal(ErrorCode.MALFORMED_JSON, "the " + what + " is not valid JSON");
    }

    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private boolean isObject(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            return node != null && node.isObject();
        } catch (JsonProcessingException | RuntimeException e) {
            return false;
        }
    }

    /** Reads the request id of a frame that failed to decode, so the error can carry it as {@code re}. */
    private String readId(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            JsonNode id = node == null ? null : node.get("id");
            if (id != null
                    && id.isTextual()
                    && !id.textValue().isEmpty()
                    && id.textValue().length() <= 64) {
                return id.textValue();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // the id is a courtesy; the error is sent without it
        }
        return null;
    }
}
