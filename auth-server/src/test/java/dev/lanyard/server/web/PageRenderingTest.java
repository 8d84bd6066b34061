package dev.lanyard.server.web;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;

import dev.lanyard.server.SharedLanyard;
import org.junit.jupiter.api.Test;
import org.thymeleaf.spring6.view.ThymeleafViewResolver;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.View;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the server's pages are written out.
 */
class PageRenderingTest {

	/**
	 * A page that fails half-way (a value the template reads late cannot be had) writes
	 * nothing, so the error page takes its place: the person never gets a 200 with half a
	 * page and no way to tell.
	 */
	@Test
	void renderWhenTemplateFailsHalfWayThenNothingIsWritten() throws Exception {
		ThymeleafViewResolver resolver = SharedLanyard.server().bean(ThymeleafViewResolver.class);
		View view = resolver.resolveViewName("test/fails-midway", Locale.ENGLISH);
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/test");
		MockHttpServletResponse response = new MockHttpServletResponse();
		Map<String, Object> model = Map.of("lines", Collections.nCopies(2000, "a line of the page before it fails"),
				"failing", new Failing());

		assertThatThrownBy(() -> view.render(model, request, response)).hasStackTraceContaining("cannot be had");
		assertThat(response.getContentAsString()).isEmpty();
		assertThat(response.isCommitted()).isFalse();
	}

	public static final class Failing {

		public String getValue() {
			throw new IllegalStateException("The value cannot be had");
		}

	}

}
