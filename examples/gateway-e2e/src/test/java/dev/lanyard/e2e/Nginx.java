package dev.lanyard.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real NGINX (the Debian package) running the gateway template from
 * {@code docker/nginx/templates}, filled in as the official image would.
 */
final class Nginx {

	private Nginx() {
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

	static ManagedProcess start(Path binary, Path template, Map<String, String> variables, Path directory)
			throws IOException {
		String server = Files.readString(template);
		for (Map.Entry<String, String> variable : variables.entrySet()) {
			server = server.replace("${" + variable.getKey() + "}", variable.getValue());
		}
		Files.createDirectories(directory.resolve("temp"));
		Files.writeString(directory.resolve("gateway.conf"), server);
		Files.writeString(directory.resolve("nginx.conf"), """
				worker_processes 1;
				error_log stderr warn;
				pid %1$s/nginx.pid;
				events { worker_connections 512; }
				http {
				    access_log off;
				    client_body_temp_path %1$s/temp/body;
				    proxy_temp_path %1$s/temp/proxy;
				    fastcgi_temp_path %1$s/temp/fastcgi;
				    uwsgi_temp_path %1$s/temp/uwsgi;
				    scgi_temp_path %1$s/temp/scgi;
				    include %1$s/gateway.conf;
				}
				""".formatted(directory));
		return ManagedProcess.start(
				"nginx", List.of(binary.toString(), "-p", directory.toString(), "-c",
						directory.resolve("nginx.conf").toString(), "-g", "daemon off; user root;"),
				Map.of(), directory);
	}

}
