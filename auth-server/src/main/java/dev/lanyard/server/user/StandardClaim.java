package dev.lanyard.server.user;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.PlainText;

import org.springframework.security.oauth2.core.oidc.OidcScopes;

/**
 * The OpenID Connect standard claims a user account may carry besides its username and
 * e-mail (OpenID Connect Core §5.1), the scope that releases each (§5.4), and the rule
 * its value follows. An account keeps them as text by claim name; the parts of the
 * address are {@code address.<part>} (§5.1.1) and the booleans {@code true} (absent is
 * false). The bootstrap file names them in kebab case ({@code given-name},
 * {@code address: {street-address: …}}).
 */
public enum StandardClaim {

	NAME("name", Kind.TEXT, OidcScopes.PROFILE),

	GIVEN_NAME("given_name", Kind.TEXT, OidcScopes.PROFILE),

	FAMILY_NAME("family_name", Kind.TEXT, OidcScopes.PROFILE),

	MIDDLE_NAME("middle_name", Kind.TEXT, OidcScopes.PROFILE),

	NICKNAME("nickname", Kind.TEXT, OidcScopes.PROFILE),

	PROFILE("profile", Kind.URL, OidcScopes.PROFILE),

	PICTURE("picture", Kind.URL, OidcScopes.PROFILE),

	WEBSITE("website", Kind.URL, OidcScopes.PROFILE),

	GENDER("gender", Kind.TEXT, OidcScopes.PROFILE),

	BIRTHDATE("birthdate", Kind.DATE, OidcScopes.PROFILE),

	ZONEINFO("zoneinfo", Kind.ZONE, OidcScopes.PROFILE),

	LOCALE("locale", Kind.LOCALE, OidcScopes.PROFILE),

	EMAIL_VERIFIED("email_verified", Kind.BOOLEAN, OidcScopes.EMAIL),

	PHONE_NUMBER("phone_number", Kind.PHONE, OidcScopes.PHONE),

	PHONE_NUMBER_VERIFIED("phone_number_verified", Kind.BOOLEAN, OidcScopes.PHONE),

	ADDRESS_FORMATTED("address.formatted", Kind.LINES, OidcScopes.ADDRESS),

	ADDRESS_STREET_ADDRESS("address.street_address", Kind.LINES, OidcScopes.ADDRESS),

	ADDRESS_LOCALITY("address.locality", Kind.TEXT, OidcScopes.ADDRESS),

	ADDRESS_REGION("address.region", Kind.TEXT, OidcScopes.ADDRESS),

	ADDRESS_POSTAL_CODE("address.postal_code", Kind.TEXT, OidcScopes.ADDRESS),

	ADDRESS_COUNTRY("address.country", Kind.TEXT, OidcScopes.ADDRESS);

	/** The claim that holds the address parts (OpenID Connect Core §5.1.1). */
	public static final String ADDRESS = "address";

	private static final String ADDRESS_PART = ADDRESS + ".";

	private static final Pattern PHONE_NUMBER_FORMAT = Pattern.compile("\\+?[0-9][0-9 ().-]{2,30}(;ext=[0-9]{1,10})?");

	private static final Pattern DATE_FORMAT = Pattern.compile("[0-9]{4}(-[0-9]{2}-[0-9]{2})?");

	private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");

	private static final Map<String, StandardClaim> BY_NAME = new LinkedHashMap<>();

	static {
		for (StandardClaim claim : values()) {
			BY_NAME.put(claim.claimName, claim);
		}
	}

	private final String claimName;

	private final Kind kind;

	private final String scope;

	StandardClaim(String claimName, Kind kind, String scope) {
		this.claimName = claimName;
		this.kind = kind;
		this.scope = scope;
	}

	/** The claim name, {@code address.<part>} for a part of the address. */
	public String claimName() {
		return this.claimName;
	}

	/** The scope that releases it. */
	public String scope() {
		return this.scope;
	}

	/** Whether it is a part of the address claim. */
	public boolean addressPart() {
		return this.claimName.startsWith(ADDRESS_PART);
	}

	/** The member name inside the address claim, or the claim name. */
	public String memberName() {
		return addressPart() ? this.claimName.substring(ADDRESS_PART.length()) : this.claimName;
	}

	/** Its key in the bootstrap file: kebab case, address parts nested under address. */
	public String bootstrapKey() {
		return memberName().replace('_', '-');
	}

	/** Whether its value is {@code true} or absent. */
	public boolean bool() {
		return this.kind == Kind.BOOLEAN;
	}

	/** The claim of this name, if it is one. */
	public static StandardClaim named(String claimName) {
		return BY_NAME.get(claimName);
	}

	/**
	 * Checks and tidies an account's claims: blank values and {@code false} booleans are
	 * dropped, text is stripped.
	 * @return the claims to store, in a stable order
	 * @throws InputRejectedException naming {@code claims.<name>} for each claim that is
	 * unknown or breaks its rule
	 */
	public static Map<String, String> normalize(Map<String, String> claims) {
		Map<String, String> normalized = new LinkedHashMap<>();
		List<InputRejectedException.Problem> problems = new ArrayList<>();
		for (Map.Entry<String, String> entry : claims.entrySet()) {
			StandardClaim claim = named(entry.getKey());
			if (claim == null) {
				problems.add(new InputRejectedException.Problem("claims." + entry.getKey(), "claim.unknown"));
				continue;
			}
			String value = (entry.getValue() != null) ? entry.getValue().strip() : "";
			if (value.isEmpty()) {
				continue;
			}
			String problem = claim.kind.problem(value);
			if (problem != null) {
				problems.add(new InputRejectedException.Problem("claims." + claim.claimName, problem));
			}
			else if (!claim.bool() || Boolean.parseBoolean(value)) {
				normalized.put(claim.claimName, claim.bool() ? "true" : value);
			}
		}
		if (!problems.isEmpty()) {
			throw new InputRejectedException(problems);
		}
		Map<String, String> ordered = new LinkedHashMap<>();
		for (StandardClaim claim : values()) {
			if (normalized.containsKey(claim.claimName)) {
				ordered.put(claim.claimName, normalized.get(claim.claimName));
			}
		}
		return ordered;
	}

	/**
	 * Drops {@code email_verified} when the e-mail address changes, and
	 * {@code phone_number_verified} when the phone number does: a verification vouches
	 * for the value it was made for, not for its successor (a relying party linking
	 * accounts by verified address would otherwise trust an unchecked one).
	 * @param explicit claim names the caller set on purpose, which stay
	 * @return the claims to store
	 */
	public static Map<String, String> verificationKept(String emailBefore, String emailAfter,
			Map<String, String> before, Map<String, String> after, Set<String> explicit) {
		Map<String, String> kept = new LinkedHashMap<>(after);
		if (!Objects.equals(emailBefore, emailAfter) && !explicit.contains(EMAIL_VERIFIED.claimName)) {
			kept.remove(EMAIL_VERIFIED.claimName);
		}
		if (!Objects.equals(before.get(PHONE_NUMBER.claimName), after.get(PHONE_NUMBER.claimName))
				&& !explicit.contains(PHONE_NUMBER_VERIFIED.claimName)) {
			kept.remove(PHONE_NUMBER_VERIFIED.claimName);
		}
		return kept;
	}

	/**
	 * Claims as JSON shows them (OpenID Connect Core §5.1): booleans as booleans, the
	 * address parts in one {@code address} object.
	 */
	public static Map<String, Object> toJson(Map<String, String> claims) {
		Map<String, Object> json = new LinkedHashMap<>();
		Map<String, Object> address = new LinkedHashMap<>();
		for (StandardClaim claim : values()) {
			String value = claims.get(claim.claimName);
			if (value == null) {
				continue;
			}
			Object shown = claim.bool() ? (Object) Boolean.parseBoolean(value) : value;
			if (claim.addressPart()) {
				address.put(claim.memberName(), shown);
			}
			else {
				json.put(claim.claimName, shown);
			}
		}
		if (!address.isEmpty()) {
			json.put(ADDRESS, address);
		}
		return json;
	}

	/**
	 * Claims from their JSON form ({@link #toJson}) to claim names and text; what is
	 * neither text nor a boolean, and what is not a known claim, is left for
	 * {@link #normalize} to refuse by name.
	 */
	public static Map<String, String> fromJson(Map<String, ?> json) {
		Map<String, String> claims = new LinkedHashMap<>();
		json.forEach((name, value) -> {
			if (ADDRESS.equals(name) && value instanceof Map<?, ?> parts) {
				parts.forEach((part, partValue) -> claims.put(ADDRESS_PART + part, text(partValue)));
			}
			else {
				claims.put(name, text(value));
			}
		});
		return claims;
	}

	private static String text(Object value) {
		if (value == null) {
			return "";
		}
		// A number or an object is not what any claim takes: a value no rule accepts.
		return (value instanceof String || value instanceof Boolean) ? value.toString() : "\u0000";
	}

	/** What a value must look like. */
	private enum Kind {

		TEXT, LINES, URL, DATE, ZONE, LOCALE, PHONE, BOOLEAN;

		private static final int LONGEST_TEXT = 200;

		private static final int LONGEST_LINES = 500;

		private static final int LONGEST_URL = 2000;

		/** The message key of what is wrong with a stripped, non-empty value, or none. */
		String problem(String value) {
			return switch (this) {
				case TEXT -> (value.length() <= LONGEST_TEXT && PlainText.isPlain(value)) ? null : "claim.text";
				case LINES -> (value.length() <= LONGEST_LINES && PlainText.isPlainLines(value)) ? null : "claim.text";
				case URL -> (PlainText.isPlain(value) && webAddress(value)) ? null : "claim.url";
				case DATE -> date(value) ? null : "claim.date";
				case ZONE -> zone(value) ? null : "claim.zone";
				case LOCALE ->
					LANGUAGE_TAG.matcher(value).matches() && !Locale.forLanguageTag(value).getLanguage().isEmpty()
							? null : "claim.locale";
				case PHONE -> PHONE_NUMBER_FORMAT.matcher(value).matches() ? null : "claim.phone";
				case BOOLEAN ->
					Set.of("true", "false").contains(value.toLowerCase(Locale.ROOT)) ? null : "claim.boolean";
			};
		}

		private static boolean webAddress(String value) {
			if (value.length() > LONGEST_URL) {
				return false;
			}
			try {
				URI uri = new URI(value);
				return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
						&& uri.getHost() != null && uri.getRawUserInfo() == null;
			}
			catch (URISyntaxException ex) {
				return false;
			}
		}

		/** OpenID Connect Core §5.1: YYYY-MM-DD (year 0000: omitted) or YYYY. */
		private static boolean date(String value) {
			if (!DATE_FORMAT.matcher(value).matches()) {
				return false;
			}
			if (value.length() == 4) {
				return true;
			}
			try {
				LocalDate.parse(value);
				return true;
			}
			catch (DateTimeException ex) {
				return false;
			}
		}

		/** A time zone of the tz database, e.g. {@code Europe/Paris}. */
		private static boolean zone(String value) {
			try {
				return ZoneId.getAvailableZoneIds().contains(ZoneId.of(value).getId());
			}
			catch (DateTimeException ex) {
				return false;
			}
		}

	}

}
