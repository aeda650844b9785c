package org.haven.server;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import org.haven.server.threads.NodeThreads;
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
        noClasses()
                .that()
                .resideOutsideOfPackage("org.haven.server.transport..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.netty..")
                .because("domain code sees protocol records and Connection, never a Channel or a ByteBuf")
                .check(server);
    }

    @Test
    void theProtocolHasNoNetty() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.netty..")
                .check(protocol);
    }

    @Test
    void featurePackagesDoNotReachIntoTheTransport() {
        noClasses()
                .that()
                .resideOutsideOfPackages("org.haven.server.transport..", "org.haven.server")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.haven.server.transport..")
                .check(server);
    }

    @Test
    void onlyTheRedisPackageUsesLettuce() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.haven.server.redis..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.lettuce..")
                .because("the Redis engines are the one place that knows Redis; the rest sees engine interfaces")
                .check(server);
    }

    @Test
    void theTransportDoesNotKnowTheCluster() {
        noClasses()
                .that()
                .resideInAPackage("org.haven.server.transport..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.haven.server.cluster..")
                .because("a relayed connection is a session.RelayGateway to the transport, whatever carries it")
                .check(server);
    }

    @Test
    void everyPackageIsNullMarked() throws java.io.IOException {
        java.nio.file.Path root = java.nio.file.Path.of("src/main/java/org/haven/server");
        java.util.List<String> unmarked = new java.util.ArrayList<>();
        try (var dirs = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path dir :
                    dirs.filter(java.nio.file.Files::isDirectory).toList()) {
                boolean hasClasses;
                try (var files = java.nio.file.Files.list(dir)) {
                    hasClasses = files.anyMatch(f -> f.toString().endsWith(".java"));
                }
                java.nio.file.Path info = dir.resolve("package-info.java");
                if (hasClasses
                        && (!java.nio.file.Files.exists(info)
                                || !java.nio.file.Files.readString(info).contains("@NullMarked"))) {
                    unmarked.add(root.relativize(dir).toString());
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(unmarked)
                .as("packages NullAway does not check (no @NullMarked package-info.java)")
                .isEmpty();
    }

    @Test
    void onlyNodeThreadsCreatesThreads() {
        noClasses()
                .that()
                .doNotBelongToAnyOf(NodeThreads.class, Main.class)
                .should()
                .callConstructorWhere(target(owner(assignableTo(Thread.class))))
                .orShould()
                .callMethodWhere(target(owner(assignableTo(Executors.class))))
                .orShould()
                .callMethodWhere(target(owner(assignableTo(ForkJoinPool.class))))
                .because("NodeThreads owns every thread of a node and stops them all "
                        + "(Main's shutdown hook is the JVM's, not the node's)")
                .check(server);
    }

    /**
     * Every class of the packages that own state says, in its Javadoc, on which thread it runs
     * ("Threading: …"): the thread table of docs/architecture.md is only true while each class keeps
     * to what it says.
     */
    @Test
    void everyClassThatOwnsStateSaysOnWhichThreadItRuns() throws java.io.IOException {
        java.util.List<String> silent = new java.util.ArrayList<>();
        for (String pkg : java.util.List.of("room", "alert", "cluster", "session", "request", "chat", "care", "api")) {
            java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/org/haven/server", pkg);
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f :
                        files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = java.nio.file.Files.readString(f);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                    "(?s)/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*"
                                            + "(?:public )?(?:final )?(?:abstract )?class ")
                            .matcher(text);
                    if (m.find() && !m.group(1).contains("Threading:")) {
                        silent.add(pkg + "/" + f.getFileName());
                    }
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(silent)
                .as("classes whose Javadoc has no \"Threading:\"")
                .isEmpty();
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("org.haven.server.(*)..")
                .should()
                .beFreeOfCycles()
                .because("each feature package can be read, tested and changed from its own dependencies up")
                .check(server);
    }
}
