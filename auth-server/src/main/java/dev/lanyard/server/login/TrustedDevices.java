package dev.lanyard.server.login;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.ResponseCookie;

/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a
 * browser that signed in to an account gets a token bound to that account, so later
 * attempts from it are throttled apart from everyone else's ({@link LoginThrottle}). An
 * attacker hammering the account from elsewhere cannot lock its owner out.
 * <p>
 * A token is {@code <device id>.<issued>.<mac>}: a random 128-bit id, the issue time in
 * seconds, and an HMAC-SHA256 (key derived from the master key) over the canonical login
 * name, id and time, so a token is useless for another account and cannot be forged. One
 * cookie holds the tokens of up to {@value #MAXIMUM_ACCOUNTS} accounts; a token is
 * trusted for {@link #LIFETIME}. The cookie is {@code HttpOnly}, {@code SameSite=Strict},
 * and {@code __Host-}/{@code Secure} when the issuer is https. Thread-safe.
 * <p>
 * A browser is remembered only when the person ticks "Remember this device" on the login
 * page ({@value #CHOICE_PARAMETER}); signing in without it forgets the account's token,
 * so a shared computer keeps nothing of the person.
 */
public final class TrustedDevices {

	/** How long a browser stays trusted after its last sign-in. */
	public static final Duration LIFETIME = Duration.ofDays(180);

	/** How far ahead of this node's clock another node's may be. */
	static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(60);

	static final int MAXIMUM_ACCOUNTS = 5;

	/** The login form's field for the person's choice. */
	static final String CHOICE_PARAMETER = "remember-device";

	private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}\\.[0-9]{1,12}\\.[A-Za-z0-9_-]{22}");

	private static final SecureRandom random = new SecureRandom();

	private final SecretKeySpec key;

	private final String cookieName;

	private final boolean secure;

	private final Clock clock;

	/**
	 * @param key the MAC key (32 bytes, from the master key)
	 * @param secure whether the server is reached over https (cookie {@code __Host-},
	 * {@code Secure})
	 * @param clock the clock
	 */
	public TrustedDevices(byte[] key, boolean secure, Clock clock) {
		this.key = new SecretKeySpec(key, "HmacSHA256");
		this.secure = secure;
		this.cookieName = secure ? "__Host-LANYARD_DEVICE" : "LANYARD_DEVICE";
		this.clock = clock;
	}

	/**
	 * The id of this browser if it signed in to the account before.
	 * @param loginName the canonical login name
	 * @return the device id, or {@code null} for an unknown device
	 */
	public String deviceOf(HttpServletRequest request, String loginName) {
		for (String token : tokens(request)) {
			String[] parts = token.split("\\.");
			long issued = Long.parseLong(parts[1]);
			long now = this.clock.instant().getEpochSecond();
			// Issued by another node, whose clock may be a little ahead of this one's.
			if (issued <= now + CLOCK_TOLERANCE.toSeconds() && now - issued <= LIFETIME.toSeconds()
					&& MessageDigest.isEqual(mac(loginName, parts[0], parts[1]).getBytes(StandardCharsets.US_ASCII),
							parts[2].getBytes(StandardCharsets.US_ASCII))) {
				return parts[0];
			}
		}
		return null;
	}

	/**
	 * Whether the person chose to have this browser remembered: the choice of the request
	 * that carries the first factor (the login form or a passkey's), or of the password
	 * step a second factor completes.
	 * @param pending the sign-in waiting for its second factor, or {@code null}
	 * @return the choice, or {@code null} when a step-up of a live sign-in leaves the
	 * browser as it is
	 */
	static Boolean chosen(HttpServletRequest request, PendingSignIn pending) {
		if (pending != null && request.getServletPath().startsWith(SecondFactorStep.PATH)) {
			return pending.rememberDevice();
		}
		return "true".equals(request.getParameter(CHOICE_PARAMETER));
	}

	/**
	 * Forgets that this browser signed in to the account: its token leaves the cookie
	 * (the cookie goes when it held no other). Nothing is written when the browser had
	 * none.
	 */
	public void forget(HttpServletRequest request, HttpServletResponse response, String loginName) {
		String deviceId = deviceOf(request, loginName);
		if (deviceId == null) {
			return;
		}
		List<String> kept = tokens(request).stream().filter((token) -> !token.startsWith(deviceId + ".")).toList();
		write(response, kept, kept.isEmpty() ? Duration.ZERO : LIFETIME);
	}

	/**
	 * Marks this browser as one the account signed in from: a new token for the account,
	 * replacing its old one, the oldest other accounts' tokens dropped beyond the limit.
	 */
	public void remember(HttpServletRequest request, HttpServletResponse response, String loginName) {
		String deviceId = deviceOf(request, loginName);
		List<String> kept = new ArrayList<>();
		for (String token : tokens(request)) {
			if (deviceId == null || !token.startsWith(deviceId + ".")) {
				kept.add(token);
			}
		}
		if (deviceId == null) {
			byte[] id = new byte[16];
			random.nextBytes(id);
			deviceId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
		}
		String issued = String.valueOf(this.clock.instant().getEpochSecond());
		kept.add(0, deviceId + "." + issued + "." + mac(loginName, deviceId, issued));
		write(response, kept.subList(0, Math.min(kept.size(), MAXIMUM_ACCOUNTS)), LIFETIME);
	}

	private void write(HttpServletResponse response, List<String> tokens, Duration maxAge) {
		ResponseCookie cookie = ResponseCookie.from(this.cookieName, String.join("~", tokens))
			.path("/")
			.httpOnly(true)
			.secure(this.secure)
			.sameSite("Strict")
			.maxAge(maxAge)
			.build();
		response.addHeader("Set-Cookie", cookie.toString());
	}

	/**
	 * The well-formed tokens of the request's cookie, at most {@value #MAXIMUM_ACCOUNTS}.
	 */
	private List<String> tokens(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return List.of();
		}
		for (Cookie cookie : cookies) {
			if (this.cookieName.equals(cookie.getName()) && cookie.getValue() != null
					&& cookie.getValue().length() <= MAXIMUM_ACCOUNTS * 64) {
				return Arrays.stream(cookie.getValue().split("~"))
					.filter((token) -> TOKEN.matcher(token).matches())
					.limit(MAXIMUM_ACCOUNTS)
					.toList();
			}
		}
		return List.of();
	}

	private String mac(String loginName, String deviceId, String issued) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			byte[] value = mac.doFinal((loginName + '\0' + deviceId + '\0' + issued).getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(value, 16));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is required of every Java runtime", ex);
		}
	}

}
