package dev.lanyard.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new service built the way a team outside this repository builds one: the library
 * installed into the local Maven repository with the command its README gives, then a
 * standalone project (Spring Boot's parent, {@code lanyard-bom} imported, the library,
 * Spring Security) around the sources of {@code examples/secured-service}, packaged with
 * Maven. Nothing of this build's reactor is on its class path: a missing artifact, a BOM
 * that does not resolve or a POM that leaks the parent would stop it here.
 */
final class FreshService {

	private FreshService() {
	}

	/**
	 * @return the packaged service jar
	 */
	static Path build(Path root, Path work) throws Exception {
		// The README's install command (jwt-client-lib/README.md, "Add Lanyard to your
		// service").
		maven(root, work.resolve("fresh-install.log"), "-DskipTests", "install", "-pl", "bom,jwt-client-lib", "-am");
		Path project = work.resolve("fresh-service");
		copyTree(root.resolve("examples/secured-service/src/main"), project.resolve("src/main"));
		Files.writeString(project.resolve("pom.xml"), pom(projectVersion(root)));
		maven(root, work.resolve("fresh-package.log"), "-DskipTests", "package", "-f",
				project.resolve("pom.xml").toString());
		Path jar = project.resolve("target/fresh-service.jar");
		assertThat(jar).exists();
		return jar;
	}

	private static String pom(String lanyardVersion) {
		return """
				<?xml version="1.0" encoding="UTF-8"?>
				<project xmlns="http://maven.apache.org/POM/4.0.0">
				    <modelVersion>4.0.0</modelVersion>
				    <parent>
				        <groupId>org.springframework.boot</groupId>
				        <artifactId>spring-boot-starter-parent</artifactId>
				        <version>4.0.7</version>
				        <relativePath/>
				    </parent>
				    <groupId>com.example</groupId>
				    <artifactId>fresh-service</artifactId>
				    <version>1.0.0</version>
				    <properties>
				        <java.version>17</java.version>
				    </properties>
				    <dependencyManagement>
				        <dependencies>
				            <dependency>
				                <groupId>dev.lanyard</groupId>
				                <artifactId>lanyard-bom</artifactId>
				                <version>%s</version>
				                <type>pom</type>
				                <scope>import</scope>
				            </dependency>
				        </dependencies>
				    </dependencyManagement>
				    <dependencies>
				        <dependency>
				            <groupId>dev.lanyard</groupId>
				            <artifactId>lanyard-jwt-client</artifactId>
				        </dependency>
				        <dependency>
				            <groupId>org.springframework.boot</groupId>
				            <artifactId>spring-boot-starter-webmvc</artifactId>
				        </dependency>
				        <dependency>
				            <groupId>org.springframework.boot</groupId>
				            <artifactId>spring-boot-starter-security</artifactId>
				        </dependency>
				        <dependency>
				            <groupId>org.springframework.boot</groupId>
				            <artifactId>spring-boot-starter-security-oauth2-resource-server</artifactId>
				        </dependency>
				    </dependencies>
				    <build>
				        <finalName>fresh-service</finalName>
				        <plugins>
				            <plugin>
				                <groupId>org.springframework.boot</groupId>
				                <artifactId>spring-boot-maven-plugin</artifactId>
				            </plugin>
				        </plugins>
				    </build>
				</project>
				""".formatted(lanyardVersion);
	}

	private static String projectVersion(Path root) throws IOException {
		String pom = Files.readString(root.resolve("bom/pom.xml"));
		int artifact = pom.indexOf("<artifactId>lanyard-bom</artifactId>");
		int start = pom.indexOf("<version>", artifact) + "<version>".length();
		return pom.substring(start, pom.indexOf("</version>", start)).strip();
	}

	private static void maven(Path root, Path log, String... arguments) throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-q"));
		command.addAll(List.of(arguments));
		Process maven = new ProcessBuilder(command).directory(root.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		assertThat(maven.waitFor(5, TimeUnit.MINUTES)).as("Maven finished: " + command).isTrue();
		assertThat(maven.exitValue()).as(command + " failed:\n" + tail(log)).isZero();
	}

	private static String tail(Path log) throws IOException {
		List<String> lines = Files.readAllLines(log);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> files = Files.walk(from)) {
			for (Path file : files.toList()) {
				Path target = to.resolve(from.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

}
