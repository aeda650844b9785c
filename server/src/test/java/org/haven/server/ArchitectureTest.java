package org.haven.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Netty stays at the edge: only the transport package may touch it. */
class ArchitectureTest {

    private final JavaClasses server = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.haven.server");

    private final JavaClasses protocol = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.haven.protocol");

    @Test
    void onlyTheTransportPackageUsesNetty() {
        noClasses().that().resideOutsideOfPackage("org.haven.server.transport..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .because("domain code sees protocol records and Connection, never a Channel or a ByteBuf")
                .check(server);
    }

    @Test
    void theProtocolHasNoNetty() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.netty..").check(protocol);
    }

    @Test
    void featurePackagesDoNotReachIntoTheTransport() {
        noClasses().that().resideOutsideOfPackages("org.haven.server.transport..", "org.haven.server")
                .should().dependOnClassesThat().resideInAPackage("org.haven.server.transport..")
                .check(server);
    }

    @Test
    void onlyTheRedisPackageUsesLettuce() {
        noClasses().that().resideOutsideOfPackage("org.haven.server.redis..")
                .should().dependOnClassesThat().resideInAPackage("io.lettuce..")
                .because("the Redis engines are the one place that knows Redis; the rest sees engine interfaces")
                .check(server);
    }

    @Test
    void theTransportDoesNotKnowTheCluster() {
        noClasses().that().resideInAPackage("org.haven.server.transport..")
                .should().dependOnClassesThat().resideInAPackage("org.haven.server.cluster..")
                .because("a relayed connection is a session.RelayGateway to the transport, whatever carries it")
                .check(server);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("org.haven.server.(*)..").should().beFreeOfCycles()
                .because("each feature package can be read, tested and changed from its own dependencies up")
                .check(server);
    }
}
