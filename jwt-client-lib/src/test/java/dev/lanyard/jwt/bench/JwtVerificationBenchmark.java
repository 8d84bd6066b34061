package dev.lanyard.jwt.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.lanyard.jwt.JwtVerificationException;
import dev.lanyard.jwt.JwtVerifier;
import dev.lanyard.jwt.SessionClaims;
import dev.lanyard.jwt.TestAuthorizationServer;
import dev.lanyard.jwt.TestJwts;
import dev.lanyard.jwt.TestKeys;

/**
 * Throughput of verifying one typical internal JWT (RS256, 2048-bit key, 15 claims),
 * compared in the same run with a bare JCA {@code SHA256withRSA} verification of the same
 * signing input and with Spring Security's {@link NimbusJwtDecoder} on the same token.
 *
 * <p>
 * Both verifiers load the key from a local JWKS endpoint once, as in production; the bare
 * JCA baselines get the decoded key, signing input and signature for free. Run it through
 * {@link VerificationBenchmarkRunner} with the command in the module README
 * ("Performance").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JwtVerificationBenchmark {

	private TestAuthorizationServer server;

	private String token;

	private RSAPublicKey publicKey;

	private byte[] signingInput;

	private byte[] signature;

	private JwtVerifier lanyard;

	private JwtVerifier lanyardCached;

	private NimbusJwtDecoder spring;

	/**
	 * A Signature object confined to one benchmark thread: the cheapest possible JCA
	 * verify.
	 */
	@State(Scope.Thread)
	public static class ReusedSignature {

		Signature signature;

		@Setup(Level.Trial)
		public void create() throws GeneralSecurityException {
			this.signature = Signature.getInstance("SHA256withRSA");
		}

	}

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.server = TestAuthorizationServer.start(TestKeys.RSA_K1);
		this.token = TestJwts.accessToken(this.server.issuer()).claim("email", "alice@example.com").build();
		int dot = this.token.lastIndexOf('.');
		this.signingInput = this.token.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
		this.signature = Base64.getUrlDecoder().decode(this.token.substring(dot + 1));
		this.publicKey = TestKeys.RSA_K1.toRSAPublicKey();

		// A first verification every time (no verified-token cache) ...
		this.lanyard = JwtVerifier.builder().issuer(this.server.issuer()).verifiedTokenCacheSize(0).build();
		// ... and the default verifier, which sees the same token again (as on every
		// request of a session).
		this.lanyardCached = JwtVerifier.builder().issuer(this.server.issuer()).build();
		this.spring = NimbusJwtDecoder.withJwkSetUri(this.server.jwksUri().toString())
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			.validateType(false)
			.build();
		// The same rules as Lanyard's: issuer, audience, typ (RFC 9068), timestamps.
		this.spring.setJwtValidator(JwtValidators.createDefaultWithValidators(
				List.of(new JwtIssuerValidator(this.server.issuer()), new JwtAudienceValidator("internal"),
						new JwtTypeValidator(List.of("at+jwt", "application/at+jwt")))));

		if (!jcaSha256WithRsa() || this.lanyard.verify(this.token).claimNames().size() != 15
				|| this.lanyardCached.verify(this.token).claimNames().size() != 15
				|| !"u1".equals(this.spring.decode(this.token).getSubject())) {
			throw new IllegalStateException("benchmark fixtures do not verify");
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.server.close();
	}

	/**
	 * Bare JCA, the usual way: a new Signature per call, as Signature objects are not
	 * thread-safe.
	 */
	@Benchmark
	public boolean jcaSha256WithRsa() throws GeneralSecurityException {
		Signature verifier = Signature.getInstance("SHA256withRSA");
		verifier.initVerify(this.publicKey);
		verifier.update(this.signingInput);
		return verifier.verify(this.signature);
	}

	/** Bare JCA with a thread-confined Signature: no provider lookup at all. */
	@Benchmark
	public boolean jcaSha256WithRsaReused(ReusedSignature reused) throws GeneralSecurityException {
		reused.signature.initVerify(this.publicKey);
		reused.signature.update(this.signingInput);
		return reused.signature.verify(this.signature);
	}

	/** Lanyard: parse, check every rule, verify, build SessionClaims. */
	@Benchmark
	public SessionClaims lanyardJwtVerifier() throws JwtVerificationException {
		return this.lanyard.verify(this.token);
	}

	/**
	 * Lanyard verifying a token it verified before: the verified-token cache (a SHA-256
	 * and a lookup).
	 */
	@Benchmark
	public SessionClaims lanyardJwtVerifierRepeated() throws JwtVerificationException {
		return this.lanyardCached.verify(this.token);
	}

	/**
	 * Bare JCA and Lanyard side by side, one thread each, in the same measurement window:
	 * load from other processes hits both alike, so their ratio is robust on a shared
	 * machine.
	 */
	@Benchmark
	@Group("sideBySide")
	@GroupThreads(1)
	public boolean sideBySideJca() throws GeneralSecurityException {
		return jcaSha256WithRsa();
	}

	/** The Lanyard half of {@link #sideBySideJca()}. */
	@Benchmark
	@Group("sideBySide")
	@GroupThreads(1)
	public SessionClaims sideBySideLanyard() throws JwtVerificationException {
		return this.lanyard.verify(this.token);
	}

	/** Spring Security 7 NimbusJwtDecoder with equivalent validators. */
	@Benchmark
	public Jwt springNimbusJwtDecoder() {
		return this.spring.decode(this.token);
	}

}
