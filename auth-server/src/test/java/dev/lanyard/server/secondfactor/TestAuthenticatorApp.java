package dev.lanyard.server.secondfactor;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.server.TestBrowser;
import org.apache.commons.codec.binary.Base32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person's authenticator app, as tests drive it: turned on from the account page like
 * the person would (the key read from the page, the first code computed from it), then
 * asked for codes.
 *
 * @param secret the shared secret
 * @param recoveryCodes the recovery codes shown when it was turned on
 * @param enrolmentCode the code that turned it on (used up); {@code null} when not known
 */
public record TestAuthenticatorApp(byte[] secret, List<String> recoveryCodes, String enrolmentCode) {

	private static final Pattern SECRET = Pattern.compile("<code id=\"secret\">([A-Z2-7 ]+)</code>");

	private static final Pattern RECOVERY_CODE = Pattern.compile("<li><code>([a-z2-7-]{29})</code></li>");

	/** An app whose enrolment code is not known. */
	public TestAuthenticatorApp(byte[] secret, List<String> recoveryCodes) {
		this(secret, recoveryCodes, null);
	}

	/** Turns on two-step sign-in for the signed-in browser's person. */
	public static TestAuthenticatorApp enrol(TestBrowser browser, String baseUrl, String password) {
		String page = browser.get(baseUrl + "/account?lang=en").body();
		assertThat(page).contains("Set up an authenticator app");
		HttpResponse<String> begun = browser.postForm(baseUrl + "/account/authenticator/begin",
				Map.of("_csrf", TestBrowser.csrf(page)));
		assertThat(TestBrowser.location(begun)).endsWith("/account/authenticator");
		String enrolmentPage = browser.get(baseUrl + "/account/authenticator?lang=en").body();
		byte[] secret = secretOf(enrolmentPage);
		String enrolmentCode = Totp.code(secret, Totp.step(Instant.now()));
		HttpResponse<String> confirmed = browser.postForm(baseUrl + "/account/authenticator/confirm",
				Map.of("code", enrolmentCode, "current", password, "_csrf", TestBrowser.csrf(enrolmentPage)));
		assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
		List<String> codes = new ArrayList<>();
		Matcher matcher = RECOVERY_CODE.matcher(confirmed.body());
		while (matcher.find()) {
			codes.add(matcher.group(1));
		}
		assertThat(browser.get(baseUrl + "/account?lang=en").body())
			.contains("after your password, sign-in asks for a code");
		return new TestAuthenticatorApp(secret, codes, enrolmentCode);
	}

	/** The app of a person whose secret (base32) was brought from another provider. */
	public static TestAuthenticatorApp imported(String base32) {
		return new TestAuthenticatorApp(new Base32().decode(base32), List.of());
	}

	/** The key shown as text on the enrolment page. */
	public static byte[] secretOf(String enrolmentPage) {
		Matcher secret = SECRET.matcher(enrolmentPage);
		assertThat(secret.find()).as("the key is shown as text").isTrue();
		return new Base32().decode(secret.group(1).replace(" ", ""));
	}

	/**
	 * The code of the step after this one, which the server accepts now (one step of
	 * drift) and which no earlier use passed yet.
	 */
	public String nextCode() {
		return Totp.code(this.secret, Totp.step(Instant.now()) + 1);
	}

	/**
	 * The code of this step (used up if the step after it was used; not the enrolment's
	 * code once a 30-s step has begun since).
	 */
	public String currentCode() {
		return Totp.code(this.secret, Totp.step(Instant.now()));
	}

	/** Gives a code on the second-factor page; returns the answer to the form. */
	public static HttpResponse<String> submitCode(TestBrowser browser, String baseUrl, String code) {
		HttpResponse<String> page = browser.get(baseUrl + "/login/second-factor");
		assertThat(page.statusCode()).isEqualTo(200);
		return browser.postForm(baseUrl + "/login/second-factor",
				Map.of("code", code, "_csrf", TestBrowser.csrf(page.body())));
	}

}
