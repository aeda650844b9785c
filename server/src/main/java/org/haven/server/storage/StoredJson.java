package org.haven.server.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;

/**
 * The JSON form of values kept in a store (Redis, the SQL database). Protocol records keep their wire names (their Jackson
 * annotations), times are ISO-8601 text, and unknown fields are ignored so that a node of a newer
 * version can share a store with an older one during a rolling upgrade. Unlike the protocol's codec,
 * it reads trusted input written by Haven itself, so it has no reader limits of its own.
 */
public final class StoredJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StoredJson() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Never the exception's message: it may quote health data.
            throw new IllegalStateException("a " + value.getClass().getSimpleName() + " cannot be stored");
        }
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json, MAPPER.constructType(type));
    }

    public static <T> T read(String json, JavaType type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            // Never the exception's message: it may quote stored health data.
            throw new IllegalStateException("a stored " + type.getRawClass().getSimpleName() + " cannot be read");
        }
    }

    /** {@code raw<arguments>}, for generic records. */
    public static JavaType type(Class<?> raw, JavaType... arguments) {
        return MAPPER.getTypeFactory().constructParametricType(raw, arguments);
    }

    public static JavaType type(Class<?> raw) {
        return MAPPER.constructType(raw);
    }

    public static JavaType listOf(Class<?> element) {
        return MAPPER.getTypeFactory().constructCollectionType(List.class, element);
    }
}
