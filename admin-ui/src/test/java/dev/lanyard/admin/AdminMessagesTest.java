package dev.lanyard.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's messages: English and Simplified Chinese say the same things, and every
 * key a template or controller names exists.
 */
class AdminMessagesTest {

	/**
	 * The codes the console itself puts next to form fields, and the keys templates build
	 * from values.
	 */
	private static final Set<String> CONSOLE_CODES = Set.of("confirm-password.wrong", "client-id.taken",
			"username.taken", "attributes.format", "duration.format", "input.invalid", "typeMismatch",
			"typeMismatch.boolean", "admin.keys.state.next", "admin.keys.state.active", "admin.keys.state.retired");

	private static final Pattern TEMPLATE_KEY = Pattern.compile("#\\{([A-Za-z0-9_.-]+)[}(]");

	@Test
	void messagesWhenChineseThenSameKeysAsEnglishEachTranslated() throws IOException {
		Properties english = load("admin-messages.properties");
		Properties chinese = load("admin-messages_zh_CN.properties");
		assertThat(chinese.stringPropertyNames()).isEqualTo(english.stringPropertyNames());
		for (String key : chinese.stringPropertyNames()) {
			assertThat(chinese.getProperty(key)).as(key).isNotBlank();
		}
		assertThat(chinese.getProperty("admin.nav.dashboard")).isNotEqualTo(english.getProperty("admin.nav.dashboard"));
	}

	@Test
	void messagesWhenNamedByTemplatesOrControllersThenDefined() throws IOException {
		Properties english = load("admin-messages.properties");
		Set<String> named = new TreeSet<>(CONSOLE_CODES);
		Resource[] templates = new PathMatchingResourcePatternResolver()
			.getResources("classpath:templates/admin/*.html");
		assertThat(templates).hasSizeGreaterThanOrEqualTo(12);
		for (Resource template : templates) {
			Matcher key = TEMPLATE_KEY.matcher(template.getContentAsString(StandardCharsets.UTF_8));
			while (key.find()) {
				named.add(key.group(1));
			}
		}
		assertThat(named).hasSizeGreaterThan(100);
		assertThat(english.stringPropertyNames()).containsAll(named);
	}

	private static Properties load(String name) throws IOException {
		Properties properties = new Properties();
		try (InputStream in = AdminMessagesTest.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
		}
		return properties;
	}

}
