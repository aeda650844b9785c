package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The care records of a client, as they travel on the wire: a session check-in (where the client
 * is), emergency contacts, the Stanley–Brown safety plan, the risk a clinician assessed, and crisis
 * resources. These are health data: they go only to the client and to clinicians allowed to see
 * them (the risk: only to the care team), never into logs.
 */
public interface Care {

    /** A structured postal address. {@code unit}, {@code region} and {@code postalCode} may be absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Address(String street, String unit, String city, String region, String postalCode, String country) {
        public Address {
            Fields.text(street, "street", 200);
            Fields.optionalText(unit, "unit", 50);
            Fields.text(city, "city", 100);
            Fields.optionalText(region, "region", 100);
            Fields.optionalText(postalCode, "postalCode", 20);
            Fields.text(country, "country", 2);
        }
    }

    /** A position the client consented to share, with its accuracy radius in metres. */
    record Coordinates(double latitude, double longitude, double accuracyMeters) {
        public Coordinates {
            if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
                throw new IllegalArgumentException("coordinates: out of range");
            }
            if (accuracyMeters < 0 || accuracyMeters > 100_000) {
                throw new IllegalArgumentException("accuracyMeters: out of range (expected: 0..100000)");
            }
        }
    }

    /**
     * Where a client confirmed they are for a session. Immutable: a changed location is a new
     * check-in. {@code coordinates} is present only with the client's consent.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CheckIn(
            String id,
            String client,
            String room,
            Address address,
            Coordinates coordinates,
            String callbackPhone,
            boolean privateSetting,
            Instant at) {}

    /** Someone to call for the client. */
    record EmergencyContact(String name, String relation, String phone, boolean consentToContact) {
        public EmergencyContact {
            Fields.text(name, "name", 100);
            Fields.text(relation, "relation", 50);
            Fields.phone(phone, "phone");
        }
    }

    /** The six sections of a Stanley–Brown safety plan, each a list of short entries. */
    record SafetyPlan(
            List<String> warningSigns,
            List<String> copingStrategies,
            List<String> distractions,
            List<String> peopleToAsk,
            List<String> professionals,
            List<String> safeEnvironment) {
        public SafetyPlan {
            warningSigns = Fields.entries(warningSigns, "warningSigns");
            copingStrategies = Fields.entries(copingStrategies, "copingStrategies");
            distractions = Fields.entries(distractions, "distractions");
            peopleToAsk = Fields.entries(peopleToAsk, "peopleToAsk");
            professionals = Fields.entries(professionals, "professionals");
            safeEnvironment = Fields.entries(safeEnvironment, "safeEnvironment");
        }
    }

    /** How a crisis resource is reached. */
    enum Channel {
        @JsonProperty("call")
        CALL,
        @JsonProperty("text")
        TEXT,
        @JsonProperty("web")
        WEB
    }

    /** A crisis line or emergency number, shown to a client the moment they ask for help. */
    record CrisisResource(String name, Channel channel, String contact) {}

    /** How much risk of suicide or self-harm a clinician's assessment found (a C-SSRS screening, for instance). */
    enum RiskLevel {
        @JsonProperty("low")
        LOW,
        @JsonProperty("moderate")
        MODERATE,
        @JsonProperty("high")
        HIGH
    }

    /** Where a risk assessment came from. */
    enum RiskSource {
        /** The Columbia Suicide Severity Rating Scale (C-SSRS), screening or full. */
        @JsonProperty("c_ssrs")
        C_SSRS,
        /** The Ask Suicide-Screening Questions (ASQ). */
        @JsonProperty("asq")
        ASQ,
        /** A clinician's judgement, without a structured instrument. */
        @JsonProperty("clinical_judgement")
        CLINICAL_JUDGEMENT,
        /** The electronic health record (an integrator set it; the instrument is not said). */
        @JsonProperty("ehr")
        EHR,
        /** Another instrument or source. */
        @JsonProperty("other")
        OTHER
    }

    /**
     * A client's assessed risk: the level, and, when known, where the assessment came from and when
     * it was made. Set by the care team (or the EHR), never by the client.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Risk(RiskLevel level, RiskSource source, Instant assessedAt) {
        public Risk {
            Fields.required(level, "level");
        }
    }

    /** A versioned record: versions are never edited in place, a change is a new version. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Versioned<T>(long version, T value, String updatedBy, Instant updatedAt) {}
}
