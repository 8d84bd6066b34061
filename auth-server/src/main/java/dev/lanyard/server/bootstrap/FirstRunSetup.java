package dev.lanyard.server.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.token.OpaqueTokenValues;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.storage.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The one-time setup token of a first start with no administrator (as Jenkins does it):
 * random, written to {@code setup-token} in this node's data directory (readable by its
 * owner only), never logged and never in a URL; {@code /setup} asks for it. Whoever can
 * read that file runs this node already. Kept as a hash in this node's memory: a restart
 * writes a new one. Thread-safe.
 */
@Component
public class FirstRunSetup {

	static final String FILE_NAME = "setup-token";

	private static final Logger logger = LoggerFactory.getLogger(FirstRunSetup.class);

	private final LanyardProperties properties;

	private volatile String tokenHash;

	FirstRunSetup(LanyardProperties properties) {
		this.properties = properties;
	}

	/**
	 * Opens setup: writes a new token to the data directory, whole or not at all (written
	 * beside it, then moved into place: nodes that share a data directory never see half
	 * a token, and the last one's stands).
	 * @return the file it is in, or {@code null} when it could not be written (setup
	 * stays closed on this node; the start goes on)
	 */
	Path open() {
		String token = OpaqueTokenValues.CLIENT_SECRET.generate().replace("lycs_", "setup_");
		Path file = this.properties.dataDirectory().resolve(FILE_NAME).toAbsolutePath();
		try {
			Files.createDirectories(file.getParent());
			Path written = OwnerOnlyFiles.createTemp(file.getParent(), FILE_NAME, ".new");
			Files.writeString(written, token + "\n");
			Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not write the setup token to {} ({}): set {} and {} instead", file, ex.getMessage(),
					BootstrapImporter.ADMIN_USERNAME, BootstrapImporter.ADMIN_PASSWORD);
			return null;
		}
		this.tokenHash = TokenHash.of(token);
		return file;
	}

	/** Closes setup on this node: the token stops and its file goes. */
	void close() {
		this.tokenHash = null;
		try {
			Files.deleteIfExists(this.properties.dataDirectory().resolve(FILE_NAME));
		}
		catch (IOException ex) {
			// The token no longer opens anything.
		}
	}

	/** Whether a token is the one this node wrote. */
	boolean admits(String token) {
		String hash = this.tokenHash;
		return hash != null && token != null && TokenHash.matches(token.strip(), hash);
	}

}
