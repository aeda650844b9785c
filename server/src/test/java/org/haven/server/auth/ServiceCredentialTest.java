package org.haven.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.haven.protocol.Role;
import org.haven.server.auth.TokenRejectedException.Reason;
import org.haven.server.config.ServerConfig;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * Service credentials: verified with the keys, issuer and audience of user tokens; each kind refused
 * where the other is expected; revocable by token id and by the service's name.
 */
class ServiceCredentialTest {

    private static final String SECRET = ServerConfig.DEV_SECRET;
    private static final String ISS = "haven-test";
    private static final String AUD = "haven";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final JwtTokenVerifier verifier = new JwtTokenVerifier(
            VerificationKeys.load(SECRET, null, null), ISS, AUD, Duration.ofSeconds(30), clock, clock);
    private final DevTokens tokens = new DevTokens(SECRET, ISS, AUD, clock);

    private String service(UnaryOperator<JwtBuilder> change) {
        Instant now = clock.instant();
        JwtBuilder valid = Jwts.builder()
                .id("jti-1")
                .subject("ehr-sync")
                .issuer(ISS)
                .audience()
                .add(AUD)
                .and()
                .expiration(Date.from(now.plusSeconds(600)))
                .claim("org", "demo")
                .claim("role", "service")
                .claim("scope", "care:read care:write");
        return change.apply(valid)
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
    }

    private Reason serviceRefused(String token) {
        try {
            verifier.verifyService(token);
            throw new AssertionError("credential accepted");
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void aServiceCredentialNamesItsServiceOrganisationAndScopes() throws Exception {
        ServicePrincipal s = verifier.verifyService(service(b -> b));
        assertThat(s.name()).isEqualTo("ehr-sync");
        assertThat(s.org()).isEqualTo("demo");
        assertThat(s.scopes()).containsExactlyInAnyOrder(Scope.CARE_READ, Scope.CARE_WRITE);
        assertThat(s.tokenId()).isEqualTo("jti-1");
        assertThat(s.actor()).isEqualTo("service:ehr-sync");
        assertThat(verifier.verifyService(
                                tokens.mintService("crm", "demo", List.of(Scope.USERS_WRITE), Duration.ofMinutes(5)))
                        .scopes())
                .containsExactly(Scope.USERS_WRITE);
    }

    @Test
    void scopesThisServerDoesNotKnowAreLeftOut() throws Exception {
        assertThat(verifier.verifyService(service(b -> b.claim("scope", "care:read reports:write  audit:read")))
                        .scopes())
                .containsExactlyInAnyOrder(Scope.CARE_READ, Scope.AUDIT_READ);
        assertThat(Scope.AUDIT_READ.wire()).isEqualTo("audit:read");
        assertThat(Scope.fromWire("sessions:write")).isEqualTo(Scope.SESSIONS_WRITE);
    }

    @Test
    void aServiceCredentialOpensNoSessionAndAUserTokenCallsNoApi() {
        assertThatThrownBy(() -> verifier.verify(service(b -> b)))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_CLAIM));
        // Even with the claims a user token has, role "service" never opens a session.
        assertThatThrownBy(() -> verifier.verify(service(b -> b.claim("rooms", List.of("group-1")))))
                .isInstanceOf(TokenRejectedException.class);
        String user = tokens.mint("alice", Role.SUPERVISOR, "demo", List.of(), null, Duration.ofMinutes(5));
        assertThat(serviceRefused(user)).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void everyClaimOfAServiceIsRequired() {
        assertThat(serviceRefused(service(b -> b.id(null)))).isEqualTo(Reason.MISSING_CLAIM);
        assertThat(serviceRefused(service(b -> b.claim("scope", null)))).isEqualTo(Reason.MISSING_CLAIM);
        assertThat(serviceRefused(service(b -> b.claim("org", null)))).isEqualTo(Reason.MISSING_CLAIM);
        assertThat(serviceRefused(service(b -> b.claim("role", null)))).isEqualTo(Reason.MISSING_CLAIM);
        assertThat(serviceRefused(service(b -> b.subject("ehr sync; drop")))).isEqualTo(Reason.INVALID_CLAIM);
        assertThat(serviceRefused(service(b -> b.claim("scope", List.of("care:read")))))
                .isEqualTo(Reason.INVALID_CLAIM);
        assertThat(serviceRefused(service(b -> b.issuer("elsewhere")))).isEqualTo(Reason.WRONG_ISSUER);
        assertThat(serviceRefused(
                        service(b -> b.expiration(Date.from(clock.instant().minusSeconds(60))))))
                .isEqualTo(Reason.EXPIRED);
        assertThat(serviceRefused(service(b -> b) + "x")).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void aCachedCredentialStillExpires() throws Exception {
        String token = service(b -> b);
        verifier.verifyService(token);
        clock.advance(Duration.ofMinutes(11));
        assertThat(serviceRefused(token)).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void aServiceIsRevokedByItsTokenIdOrByItsNameAsAUserOfItsOrganisation() {
        DenyList deny = new DenyList(Duration.ofHours(24), clock, Ticker.systemTicker());
        ServicePrincipal ehr = new ServicePrincipal(
                "ehr-sync", "demo", java.util.Set.of(), "jti-1", clock.instant().plusSeconds(60));
        ServicePrincipal other = new ServicePrincipal(
                "ehr-sync",
                "other",
                java.util.Set.of(),
                "jti-2",
                clock.instant().plusSeconds(60));
        assertThat(deny.isRevoked(ehr)).isFalse();
        deny.revokeToken("jti-1");
        assertThat(deny.isRevoked(ehr)).isTrue();
        assertThat(deny.isRevoked(other)).isFalse();
        deny.revokeUser(new UserRef("other", "ehr-sync"));
        assertThat(deny.isRevoked(other)).isTrue();
    }
}
