package dev.lanyard.admin.user;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.ShownVersion;

/**
 * The user form as the browser posts it: roles separated by spaces, attributes one
 * {@code name=value} per line, each standard claim in its own field
 * ({@code claims[given_name]}) and the two verified flags as checkboxes. Mutable, for
 * data binding only.
 */
public class UserForm {

	/**
	 * The standard claims the form shows as text, in display order: the parts of the
	 * address as {@code address.<part>}.
	 */
	static final List<String> TEXT_CLAIMS = List.of("name", "given_name", "family_name", "middle_name", "nickname",
			"profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
			"address.formatted", "address.street_address", "address.locality", "address.region", "address.postal_code",
			"address.country");

	/**
	 * The standard claims the form shows as checkboxes, bound as
	 * {@link #isEmailVerified() emailVerified} and {@link #isPhoneNumberVerified()
	 * phoneNumberVerified} so that an unchecked box (which posts nothing but its
	 * {@code _} marker) reads as false.
	 */
	static final List<String> BOOLEAN_CLAIMS = List.of("email_verified", "phone_number_verified");

	private static final String EMAIL_VERIFIED = "email_verified";

	private static final String PHONE_NUMBER_VERIFIED = "phone_number_verified";

	private String username = "";

	private String email = "";

	private boolean enabled = true;

	private boolean locked;

	private String roles = "user";

	private String attributes = "";

	private String password;

	private String confirmPassword;

	/**
	 * When the account shown was last changed (ISO-8601), posted back: a change made
	 * since refuses this save instead of being overwritten by it.
	 */
	private String version = "";

	/**
	 * Every claim of {@link #TEXT_CLAIMS} (empty when unset) and of
	 * {@link #BOOLEAN_CLAIMS} ({@code "true"} or {@code "false"}); binding writes into
	 * this map, so it always holds every key.
	 */
	private final Map<String, String> claims = new LinkedHashMap<>();

	public UserForm() {
		fillClaims(Map.of());
	}

	static UserForm of(UserView user) {
		UserForm form = new UserForm();
		form.username = user.username();
		form.email = (user.email() != null) ? user.email() : "";
		form.enabled = user.enabled();
		form.locked = user.locked();
		form.roles = String.join(" ", user.roles());
		StringBuilder attributes = new StringBuilder();
		user.attributes().forEach((name, value) -> attributes.append(name).append('=').append(value).append('\n'));
		form.attributes = attributes.toString();
		form.setClaims(user.claims());
		form.version = ShownVersion.of(user.updatedAt());
		return form;
	}

	/**
	 * The draft this form asks for.
	 * @throws IllegalArgumentException if an attribute line is not {@code name=value}
	 */
	UserDraft toDraft() {
		Map<String, String> parsed = new LinkedHashMap<>();
		for (String line : this.attributes.split("\\R")) {
			if (line.isBlank()) {
				continue;
			}
			int equals = line.indexOf('=');
			if (equals <= 0) {
				throw new IllegalArgumentException("attributes");
			}
			parsed.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
		}
		List<String> roleList = Arrays.stream(this.roles.strip().split("\\s+"))
			.filter((role) -> !role.isEmpty())
			.toList();
		String mail = this.email.isBlank() ? null : this.email.strip();
		return new UserDraft(this.username.strip(), mail, this.enabled, this.locked, roleList, parsed, claimsToSave(),
				ShownVersion.parse(this.version));
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	/**
	 * The claims to save: text stripped, with the line breaks a browser posts (CRLF) as
	 * {@code \n}; blank text and unchecked booleans left out, so that an untouched field
	 * stores nothing. Keys the form does not show are ignored.
	 */
	private Map<String, String> claimsToSave() {
		Map<String, String> saved = new LinkedHashMap<>();
		for (String claim : TEXT_CLAIMS) {
			String value = this.claims.get(claim);
			if (value != null && !value.isBlank()) {
				saved.put(claim, value.strip().replaceAll("\\R", "\n"));
			}
		}
		for (String claim : BOOLEAN_CLAIMS) {
			if (Boolean.parseBoolean(this.claims.get(claim))) {
				saved.put(claim, "true");
			}
		}
		return saved;
	}

	public String getUsername() {
		return this.username;
	}

	public void setUsername(String username) {
		this.username = (username != null) ? username : "";
	}

	public String getEmail() {
		return this.email;
	}

	public void setEmail(String email) {
		this.email = (email != null) ? email : "";
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isLocked() {
		return this.locked;
	}

	public void setLocked(boolean locked) {
		this.locked = locked;
	}

	public String getRoles() {
		return this.roles;
	}

	public void setRoles(String roles) {
		this.roles = (roles != null) ? roles : "";
	}

	public String getAttributes() {
		return this.attributes;
	}

	public void setAttributes(String attributes) {
		this.attributes = (attributes != null) ? attributes : "";
	}

	/**
	 * The standard claims by name, every key present: the map binding writes
	 * {@code claims[given_name]} into, not a copy.
	 */
	public Map<String, String> getClaims() {
		return this.claims;
	}

	/**
	 * Replaces the claims with these: the claims the form shows, each key kept (empty
	 * text, {@code "false"}, when not given); others are ignored.
	 * @param claims claims by name; may be {@code null}
	 */
	public void setClaims(Map<String, String> claims) {
		// A copy first: the argument may be this very map.
		fillClaims((claims != null) ? new HashMap<>(claims) : Map.of());
	}

	private void fillClaims(Map<String, String> given) {
		this.claims.clear();
		for (String claim : TEXT_CLAIMS) {
			String value = given.get(claim);
			this.claims.put(claim, (value != null) ? value : "");
		}
		for (String claim : BOOLEAN_CLAIMS) {
			this.claims.put(claim, String.valueOf(Boolean.parseBoolean(given.get(claim))));
		}
	}

	public boolean isEmailVerified() {
		return Boolean.parseBoolean(this.claims.get(EMAIL_VERIFIED));
	}

	public void setEmailVerified(boolean emailVerified) {
		this.claims.put(EMAIL_VERIFIED, String.valueOf(emailVerified));
	}

	public boolean isPhoneNumberVerified() {
		return Boolean.parseBoolean(this.claims.get(PHONE_NUMBER_VERIFIED));
	}

	public void setPhoneNumberVerified(boolean phoneNumberVerified) {
		this.claims.put(PHONE_NUMBER_VERIFIED, String.valueOf(phoneNumberVerified));
	}

	public String getPassword() {
		return this.password;
	}

	public void setPassword(String password) {
		this.password = password;
	}

	@Override
	public String toString() {
		return "UserForm[" + this.username + "]";
	}

	public String getConfirmPassword() {
		return this.confirmPassword;
	}

	public void setConfirmPassword(String confirmPassword) {
		this.confirmPassword = confirmPassword;
	}

}
