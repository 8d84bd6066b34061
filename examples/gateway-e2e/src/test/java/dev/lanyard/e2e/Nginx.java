package dev.lanyard.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real NGINX (the Debian package) running a template from
 * {@code docker/nginx/templates}, filled in as the official image would, inside the
 * shipped {@code docker/nginx/nginx.conf}.
 */
final class Nginx {

	private static final String ACCESS_LOG_FORMAT = """
			log_format attempts '$time_iso8601 $msec "$request" $status $request_length '
			    'upstreams=$upstream_addr statuses=$upstream_status times=$upstream_response_time';
			""";

	private Nginx() {
	}

	/** The requests NGINX answered other than with 200, with the nodes it tried. */
	static String unsuccessfulRequests(Path directory) throws IOException {
		Path log = directory.resolve("access.log");
		if (!Files.exists(log)) {
			return "(no access log)";
		}
		return String.join("\n", Files.readAllLines(log).stream().filter((line) -> !line.contains("\" 200 ")).toList());
	}

	static Optional<Path> binary() {
		for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return Optional.of(Path.of(candidate));
			}
		}
		return Optional.empty();
	}

	/**
	 * NGINX balancing two Lanyard nodes with the template
	 * {@code lanyard-balancer.conf.template}.
	 */
	static ManagedProcess startBalancer(Path binary, Path root, int listenPort, int[] nodePorts, Path directory)
			throws IOException {
		return start(binary, root.resolve("docker/nginx/templates/lanyard-balancer.conf.template"),
				Map.of("BALANCER_LISTEN", "127.0.0.1:" + listenPort, "LANYARD_NODE_1", "127.0.0.1:" + nodePorts[0],
						"LANYARD_NODE_2", "127.0.0.1:" + nodePorts[1]),
				directory);
	}

	/** The checkout a template of {@code docker/nginx/templates} belongs to. */
	private static Path root(Path template) {
		return template.toAbsolutePath().getParent().getParent().getParent().getParent();
	}

	static ManagedProcess start(Path binary, Path template, Map<String, String> variables, Path directory)
			throws IOException {
		String server = Files.readString(template);
		for (Map.Entry<String, String> variable : variables.entrySet()) {
			server = server.replace("${" + variable.getKey() + "}", variable.getValue());
		}
		// For the test's eyes only (the shipped configuration logs no requests): every
		// request with the nodes NGINX tried, their answers and timings, in
		// access.log.
		server = ACCESS_LOG_FORMAT
				+ server.replaceFirst("(?m)^(\\s*listen [^;]+;)$", "$1\n    access_log access.log attempts;");
		Files.createDirectories(directory.resolve("temp"));
		Files.deleteIfExists(directory.resolve("access.log"));
		// The shipped nginx.conf, which includes lanyard-gateway.conf from its directory.
		Files.writeString(directory.resolve("lanyard-gateway.conf"), server);
		Files.copy(root(template).resolve("docker/nginx/nginx.conf"), directory.resolve("nginx.conf"),
				StandardCopyOption.REPLACE_EXISTING);
		return ManagedProcess.start(
				"nginx", List.of(binary.toString(), "-p", directory.toString(), "-c",
						directory.resolve("nginx.conf").toString(), "-g", "daemon off; user root;"),
				Map.of(), directory);
	}

}
