package dev.lanyard.admin.user;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user form as the browser posts it: roles separated by spaces, attributes one
 * {@code name=value} per line. Mutable, for data binding only.
 */
public class UserForm {

	private String username = "";

	private String email = "";

	private boolean enabled = true;

	private boolean locked;

	private String roles = "user";

	private String attributes = "";

	private String password;

	private String confirmPassword;

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
		return new UserDraft(this.username.strip(), mail, this.enabled, this.locked, roleList, parsed);
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
