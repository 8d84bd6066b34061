package dev.lanyard.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's messages (the hosted pages', and the rules' words the admin API and the
 * bootstrap file answer with): English and Simplified Chinese say the same things, as the
 * console's do (admin-ui's {@code AdminMessagesTest}). Three of the admin API's were
 * English only.
 */
class ServerMessagesTest {

	@Test
	void messagesWhenChineseThenSameKeysAsEnglishEachTranslated() throws IOException {
		Properties english = load("messages.properties");
		Properties chinese = load("messages_zh_CN.properties");
		assertThat(chinese.stringPropertyNames()).isEqualTo(english.stringPropertyNames());
		for (String key : chinese.stringPropertyNames()) {
			assertThat(chinese.getProperty(key)).as(key).isNotBlank();
		}
	}

	private static Properties load(String name) throws IOException {
		Properties properties = new Properties();
		try (InputStream in = ServerMessagesTest.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
		}
		return properties;
	}

}
