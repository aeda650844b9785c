package org.haven.server.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A private test CA and a server certificate for localhost / 127.0.0.1 it signed, written as PEM. */
public final class TestCertificates {

    public final X509Certificate ca;
    public final Path certificate;
    public final Path privateKey;

    private TestCertificates(X509Certificate ca, Path certificate, Path privateKey) {
        this.ca = ca;
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    public static TestCertificates create(Path dir) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair caKeys = rsa.generateKeyPair();
        KeyPair serverKeys = rsa.generateKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=Haven Test CA");
        X509Certificate ca = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                caName,
                                BigInteger.ONE,
                                Date.from(now.minus(Duration.ofDays(1))),
                                Date.from(now.plus(Duration.ofDays(1))),
                                caName,
                                caKeys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        X509Certificate server = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                caName,
                                BigInteger.TWO,
                                Date.from(now.minus(Duration.ofDays(1))),
                                Date.from(now.plus(Duration.ofDays(1))),
                                new X500Name("CN=localhost"),
                                serverKeys.getPublic())
                        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                        }))
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Files.writeString(cert, pem(server) + pem(ca));
        Files.writeString(key, pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null)));
        return new TestCertificates(ca, cert, key);
    }

    private static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        }
        return out.toString();
    }
}
