package dev.lanyard.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files of the data directory that hold a secret (the development master key, the setup
 * token, account links): made readable and writable by this process's user only from
 * their first byte on, never world-readable for a moment under the usual umask. Where the
 * file system has no POSIX permissions, the data directory's own protection applies.
 */
public final class OwnerOnlyFiles {

	private OwnerOnlyFiles() {
	}

	/**
	 * Creates the file, owner-only.
	 * @throws java.nio.file.FileAlreadyExistsException if it exists
	 */
	public static Path create(Path file) throws IOException {
		return Files.createFile(file, ownerOnly(file.getParent()));
	}

	/**
	 * Creates a new, empty, owner-only file in a directory, to be renamed over another.
	 */
	public static Path createTemp(Path directory, String prefix, String suffix) throws IOException {
		return Files.createTempFile(directory, prefix, suffix, ownerOnly(directory));
	}

	private static FileAttribute<?>[] ownerOnly(Path directory) {
		if (!directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			return new FileAttribute<?>[0];
		}
		return new FileAttribute<?>[] {
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) };
	}

}
