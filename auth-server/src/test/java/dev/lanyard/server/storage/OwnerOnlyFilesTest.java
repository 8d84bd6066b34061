package dev.lanyard.server.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Secret files of the data directory are owner-only from their creation. */
class OwnerOnlyFilesTest {

	@Test
	void createWhenPosixThenOwnerOnlyAndNeverOverwritten(@TempDir Path directory) throws Exception {
		Path file = OwnerOnlyFiles.create(directory.resolve("secret"));
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThatExceptionOfType(java.nio.file.FileAlreadyExistsException.class)
			.isThrownBy(() -> OwnerOnlyFiles.create(file));
		Path temporary = OwnerOnlyFiles.createTemp(directory, "token", ".new");
		assertThat(Files.getPosixFilePermissions(temporary)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
	}

}
