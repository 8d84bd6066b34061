package dev.lanyard.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * The training run of the class-data-sharing archive ({@code lanyard.training-run=true},
 * started with {@code -XX:ArchiveClassesAtExit}): once the node is ready it asks itself
 * for the pages and documents every deployment serves first (discovery, JWKS, the login
 * page, readiness), so the classes those requests load are in the archive too, then
 * closes the application normally; the JVM writes the archive as it exits (issue 9, item
 * 5).
 * <p>
 * Spring's own {@code spring.context.exit=onRefresh} halts the JVM before any shutdown
 * callback runs, which would leave the embedded PostgreSQL of the default set-up running
 * behind the build; closing the application here stops it as every shutdown does.
 */
@Component
@ConditionalOnBooleanProperty("lanyard.training-run")
final class ClassDataSharingTraining implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger logger = LoggerFactory.getLogger(ClassDataSharingTraining.class);

	private static final List<String> FIRST_REQUESTS = List.of("/.well-known/openid-configuration", "/oauth2/jwks",
			"/login", "/actuator/health/readiness");

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
		Thread exit = new Thread(() -> {
			exercise(port);
			int status = SpringApplication.exit(event.getApplicationContext());
			System.exit(status);
		}, "class-data-sharing-training");
		exit.start();
	}

	private static void exercise(int port) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		for (String path : FIRST_REQUESTS) {
			try {
				HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
					.timeout(Duration.ofSeconds(30))
					.build();
				int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
				logger.info("Training request {} answered {}", path, status);
			}
			catch (java.io.IOException ex) {
				logger.warn("Training request {} failed: {}", path, ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
