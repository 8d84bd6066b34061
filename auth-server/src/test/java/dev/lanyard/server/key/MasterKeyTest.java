package dev.lanyard.server.key;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@ExtendWith(OutputCaptureExtension.class)
class MasterKeyTest {

	private final MasterKey key = MasterKey.fromSecret("a-master-key-of-at-least-32-characters!");

	@Test
	void sealWhenOpenedWithSameKeyAndPurposeThenPlaintext() {
		byte[] sealed = this.key.seal("private key".getBytes(StandardCharsets.UTF_8), "signing-key:k1");
		assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("private key");
		assertThat(this.key.open(sealed, "signing-key:k1")).asString(StandardCharsets.UTF_8).isEqualTo("private key");
		assertThat(this.key.seal(new byte[] { 1 }, "x")).isNotEqualTo(this.key.seal(new byte[] { 1 }, "x"));
	}

	@Test
	void openWhenOtherKeyOtherPurposeOrAlteredThenRefused() {
		byte[] sealed = this.key.seal(new byte[] { 1, 2, 3 }, "signing-key:k1");
		assertThatExceptionOfType(MasterKey.WrongMasterKeyException.class).isThrownBy(
				() -> MasterKey.fromSecret("another-master-key-of-at-least-32-chars").open(sealed, "signing-key:k1"));
		assertThatExceptionOfType(MasterKey.WrongMasterKeyException.class)
			.isThrownBy(() -> this.key.open(sealed, "signing-key:k2"));
		sealed[sealed.length - 1] ^= 1;
		assertThatExceptionOfType(MasterKey.WrongMasterKeyException.class)
			.isThrownBy(() -> this.key.open(sealed, "signing-key:k1"));
	}

	@Test
	void resolveWhenConfiguredTooShortThenFailsFastWithWhatToSet(@TempDir Path data) {
		assertThatIllegalStateException().isThrownBy(() -> MasterKey.resolve("short", data))
			.withMessageContaining("LANYARD_MASTER_KEY")
			.withMessageContaining("32");
	}

	@Test
	void resolveWhenNotConfiguredWithOwnDatabaseThenRefusedSayingWhatToSet(@TempDir Path data) {
		assertThatIllegalStateException().isThrownBy(() -> MasterKey.resolve(null, data, true))
			.withMessageContaining("LANYARD_MASTER_KEY is not set")
			.withMessageContaining("same on every node");
		assertThat(data.resolve("master.key")).doesNotExist();
		assertThat(MasterKey.resolve("a-master-key-of-at-least-32-characters", data, true)).isNotNull();
	}

	@Test
	void resolveWhenNotConfiguredThenDevelopmentKeyKeptAcrossRuns(@TempDir Path data) {
		byte[] sealed = MasterKey.resolve(null, data).seal(new byte[] { 7 }, "p");
		assertThat(MasterKey.resolve("", data).open(sealed, "p")).containsExactly(7);
		assertThat(data.resolve("master.key")).exists();
	}

	/**
	 * A development key file that is empty or cut short (a crash or a full disk while it
	 * was written, before it was written whole and moved into place) is refused: a key
	 * derived from it would be public. It used to be used.
	 */
	@Test
	void resolveWhenDevelopmentKeyFileEmptyOrShortThenRefusedSayingWhy(@TempDir Path data) throws Exception {
		for (String kept : new String[] { "", "  \n", "abc" }) {
			Files.writeString(data.resolve("master.key"), kept);
			assertThatThrownBy(() -> MasterKey.resolve(null, data)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("master.key")
				.hasMessageContaining("LANYARD_MASTER_KEY");
		}
		Files.delete(data.resolve("master.key"));
		MasterKey.resolve(null, data);
		assertThat(Files.readString(data.resolve("master.key"))).hasSizeGreaterThanOrEqualTo(43);
		try (var left = Files.list(data)) {
			assertThat(left.map((file) -> file.getFileName().toString())).containsExactly("master.key");
		}
	}

	/**
	 * The repository's own example values are public: a start with one says so (refused
	 * by {@link dev.lanyard.server.LanyardProperties} unless the issuer is on this
	 * machine, as the compose file's is: {@link PublishedExampleSecretsTest}).
	 */
	@Test
	void resolveWhenPublishedPlaceholderThenWarnedAndStillResolved(@TempDir Path data, CapturedOutput output)
			throws Exception {
		for (String file : new String[] { "docker/compose.yaml", "docker/k8s/secrets.example.yaml" }) {
			String text = Files.readString(Path.of("..").resolve(file));
			Matcher placeholder = Pattern.compile("(?:LANYARD_MASTER_KEY|master-key): (\\S+)").matcher(text);
			assertThat(placeholder.find()).as(file).isTrue();
			int before = output.getAll().length();
			MasterKey.resolve(placeholder.group(1), data, true);
			assertThat(output.getAll().substring(before)).contains("LANYARD_MASTER_KEY is a placeholder");
		}
		int before = output.getAll().length();
		MasterKey.resolve("a-random-secret-of-our-own-0123456789abcdef", data, true);
		assertThat(output.getAll().substring(before)).doesNotContain("placeholder");
	}

	/** Owner-only from its creation: never readable by others, not even for a moment. */
	@Test
	void resolveWhenDevelopmentKeyWrittenThenOwnerOnly(@TempDir Path data) throws Exception {
		MasterKey.resolve(null, data);
		assertThat(Files.getPosixFilePermissions(data.resolve("master.key")))
			.isEqualTo(PosixFilePermissions.fromString("rw-------"));
	}

}
