package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Build gates: the library's only required dependencies are nimbus-jose-jwt and Caffeine,
 * the core package uses nothing else, and no vulnerable JOSE library or JDK is in play
 * (docs/SECURITY.md §3, JW-35).
 */
class DependencyGateTest {

	private static final Path MODULE = Path.of("").toAbsolutePath();

	@Test
	void pomWhenReadThenOnlyNimbusAndCaffeineAreRequiredDependencies() throws Exception {
		List<String> required = new ArrayList<>();
		for (Element dependency : dependencies(MODULE.resolve("pom.xml"))) {
			String scope = text(dependency, "scope");
			boolean optional = "true".equals(text(dependency, "optional"));
			if (!optional && !"test".equals(scope) && !"provided".equals(scope)) {
				required.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
			}
		}
		assertThat(required).containsExactly("com.nimbusds:nimbus-jose-jwt", "com.github.ben-manes.caffeine:caffeine");
		// Dependencies declared in the parent would be inherited as required ones.
		assertThat(dependencies(MODULE.resolve("../pom.xml"))).as("dependencies inherited from the parent").isEmpty();
	}

	@Test
	void coreClassesWhenCompiledThenReferenceNeitherServletNorSpring() throws Exception {
		Path classes = MODULE.resolve("target/classes/dev/lanyard/jwt");
		List<Path> core;
		try (Stream<Path> files = Files.list(classes)) {
			core = files.filter(p -> p.toString().endsWith(".class")).toList();
		}
		assertThat(core).extracting(p -> p.getFileName().toString()).contains("JwtVerifier.class", "ClaimNames.class");
		for (Path file : core) {
			String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
			assertThat(constants).as(file.getFileName().toString()).doesNotContain("jakarta/", "org/springframework/");
		}
		try (Stream<Path> files = Files.list(classes.resolve("servlet"))) {
			for (Path file : files.toList()) {
				assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
					.as(file.getFileName().toString())
					.doesNotContain("org/springframework/");
			}
		}
	}

	/**
	 * What a service's build names is what this build publishes: the BOM's version and
	 * the library's are the reactor's, and the README snippet imports that version
	 * (issue: a snippet naming a version nobody can download).
	 */
	@Test
	void bomAndReadmeWhenReadThenNameThisVersion() throws Exception {
		String version = projectVersion(MODULE.resolve("../pom.xml"));
		Element bom = document(MODULE.resolve("../bom/pom.xml"));
		assertThat(childText(bom, "version")).isEqualTo(version);
		assertThat(bom.getElementsByTagName("parent").getLength()).as("the BOM has no parent").isZero();
		NodeList managed = bom.getElementsByTagName("dependency");
		assertThat(managed.getLength()).isPositive();
		for (int i = 0; i < managed.getLength(); i++) {
			assertThat(text((Element) managed.item(i), "version")).isEqualTo(version);
		}
		String readme = Files.readString(MODULE.resolve("README.md"));
		assertThat(readme)
			.contains("<artifactId>lanyard-bom</artifactId>\n            <version>" + version + "</version>");
	}

	@Test
	@DisplayName("JW-35 nimbus-jose-jwt >= 10.0.2, no jose4j < 0.9.6, no jjwt < 0.12, JDK after the April 2022 CPU")
	void classpathWhenInspectedThenNoVulnerableJoseLibraryOrJdk() throws Exception {
		String nimbus = mavenVersion("com.nimbusds", "nimbus-jose-jwt");
		assertThat(nimbus).isNotNull();
		assertThat(compare(nimbus, "10.0.2")).as("nimbus-jose-jwt %s", nimbus).isGreaterThanOrEqualTo(0);

		String jose4j = mavenVersion("org.bitbucket.b_c", "jose4j");
		assertThat(jose4j == null || compare(jose4j, "0.9.6") >= 0).as("jose4j %s", jose4j).isTrue();
		String jjwt = mavenVersion("io.jsonwebtoken", "jjwt-api");
		assertThat(jjwt == null || compare(jjwt, "0.12.0") >= 0).as("jjwt %s", jjwt).isTrue();
		assertThat(resourceExists("io/jsonwebtoken/Jwts.class") && jjwt == null).as("legacy jjwt jar").isFalse();

		// CVE-2022-21449 was fixed in 17.0.3 (and 18.0.1); JDK 15/16 never got the fix.
		Runtime.Version jdk = Runtime.version();
		assertThat(jdk.feature()).isGreaterThanOrEqualTo(17);
		if (jdk.feature() == 17) {
			assertThat(jdk.update()).as("JDK 17 update").isGreaterThanOrEqualTo(3);
		}
	}

	private static String mavenVersion(String groupId, String artifactId) throws Exception {
		String path = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
		try (InputStream in = DependencyGateTest.class.getClassLoader().getResourceAsStream(path)) {
			if (in == null) {
				return null;
			}
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
	}

	private static boolean resourceExists(String path) {
		return DependencyGateTest.class.getClassLoader().getResource(path) != null;
	}

	static int compare(String version, String minimum) {
		String[] a = version.split("[.-]");
		String[] b = minimum.split("[.-]");
		for (int i = 0; i < Math.max(a.length, b.length); i++) {
			int x = i < a.length ? leadingNumber(a[i]) : 0;
			int y = i < b.length ? leadingNumber(b[i]) : 0;
			if (x != y) {
				return Integer.compare(x, y);
			}
		}
		return 0;
	}

	private static int leadingNumber(String part) {
		int end = 0;
		while (end < part.length() && Character.isDigit(part.charAt(end))) {
			end++;
		}
		return end == 0 ? 0 : Integer.parseInt(part.substring(0, end));
	}

	private static Element document(Path pom) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		return factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
	}

	private static String projectVersion(Path pom) throws Exception {
		return childText(document(pom), "version");
	}

	/** A direct child's text: the project's own version, not its parent's. */
	private static String childText(Element parent, String tag) {
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && element.getTagName().equals(tag)) {
				return element.getTextContent().trim();
			}
		}
		return null;
	}

	private static List<Element> dependencies(Path pom) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		Document document = factory.newDocumentBuilder().parse(pom.toFile());
		List<Element> result = new ArrayList<>();
		for (Node node = document.getDocumentElement().getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && element.getTagName().equals("dependencies")) {
				NodeList children = element.getElementsByTagName("dependency");
				for (int i = 0; i < children.getLength(); i++) {
					result.add((Element) children.item(i));
				}
			}
		}
		return result;
	}

	private static String text(Element parent, String tag) {
		NodeList nodes = parent.getElementsByTagName(tag);
		return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
	}

}
