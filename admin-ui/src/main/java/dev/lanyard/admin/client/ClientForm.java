package dev.lanyard.admin.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.lanyard.admin.AdminTime;
import dev.lanyard.admin.ShownVersion;

import org.springframework.boot.convert.DurationStyle;

/**
 * The client form as the browser posts it: lists as text (one URI per line, scopes and
 * audiences separated by spaces), durations as text such as {@code 15m}. Mutable, for
 * data binding only.
 */
public class ClientForm {

	private String clientId = "";

	private String clientName = "";

	private String logoUri = "";

	private String type = "confidential";

	/** How a confidential client authenticates; a public one uses {@code none}. */
	private String tokenEndpointAuthMethod = "client_secret_basic";

	private String jwks = "";

	private String jwksUri = "";

	private String redirectUris = "";

	private String postLogoutRedirectUris = "";

	private List<String> grantTypes = new ArrayList<>(List.of("authorization_code", "refresh_token"));

	private String scopes = "openid profile email";

	private boolean requirePkce = true;

	private boolean requireConsent;

	private String accessTokenTtl = "15m";

	private String refreshTokenIdle = "8h";

	private String refreshTokenMax = "30d";

	private String exchangeAudiences = "";

	private boolean introspectionAllowed;

	private boolean requirePushedAuthorizationRequests;

	private boolean dpopBoundAccessTokens;

	private boolean requireMfa;

	private String backchannelLogoutUri = "";

	private boolean backchannelLogoutSessionRequired;

	private boolean enabled = true;

	private String confirmPassword;

	/**
	 * When the client shown was last changed (ISO-8601), posted back: a change made since
	 * refuses this save instead of being overwritten by it.
	 */
	private String version = "";

	static ClientForm of(ClientView client) {
		ClientForm form = new ClientForm();
		form.version = ShownVersion.of(client.updatedAt());
		form.clientId = client.clientId();
		form.clientName = client.clientName();
		form.logoUri = (client.logoUri() != null) ? client.logoUri() : "";
		form.type = client.publicClient() ? "public" : "confidential";
		if (!client.publicClient()) {
			form.tokenEndpointAuthMethod = client.tokenEndpointAuthMethod();
		}
		form.jwks = (client.jwks() != null) ? client.jwks() : "";
		form.jwksUri = (client.jwksUri() != null) ? client.jwksUri() : "";
		form.redirectUris = String.join("\n", client.redirectUris());
		form.postLogoutRedirectUris = String.join("\n", client.postLogoutRedirectUris());
		form.grantTypes = new ArrayList<>(client.grantTypes());
		form.scopes = String.join(" ", client.scopes());
		form.requirePkce = client.requirePkce();
		form.requireConsent = client.requireConsent();
		form.accessTokenTtl = AdminTime.UTC.format(client.accessTokenTtl());
		form.refreshTokenIdle = AdminTime.UTC.format(client.refreshTokenIdle());
		form.refreshTokenMax = AdminTime.UTC.format(client.refreshTokenMax());
		form.exchangeAudiences = String.join(" ", client.exchangeAudiences());
		form.introspectionAllowed = client.introspectionAllowed();
		form.requirePushedAuthorizationRequests = client.requirePushedAuthorizationRequests();
		form.dpopBoundAccessTokens = client.dpopBoundAccessTokens();
		form.requireMfa = client.requireMfa();
		form.backchannelLogoutUri = (client.backchannelLogoutUri() != null) ? client.backchannelLogoutUri() : "";
		form.backchannelLogoutSessionRequired = client.backchannelLogoutSessionRequired();
		form.enabled = client.enabled();
		return form;
	}

	/**
	 * The draft this form asks for.
	 * @throws IllegalArgumentException naming the field whose duration cannot be read
	 */
	ClientDraft toDraft() {
		boolean publicClient = "public".equals(this.type);
		return new ClientDraft(this.clientId.strip(), this.clientName.strip(), blankAsNull(this.logoUri), publicClient,
				null, publicClient ? "none" : blankAsNull(this.tokenEndpointAuthMethod), blankAsNull(this.jwks),
				blankAsNull(this.jwksUri), lines(this.redirectUris), lines(this.postLogoutRedirectUris),
				new LinkedHashSet<>(this.grantTypes), words(this.scopes), this.requirePkce, this.requireConsent,
				duration("accessTokenTtl", this.accessTokenTtl), duration("refreshTokenIdle", this.refreshTokenIdle),
				duration("refreshTokenMax", this.refreshTokenMax), List.copyOf(words(this.exchangeAudiences)),
				this.introspectionAllowed, this.requirePushedAuthorizationRequests, this.dpopBoundAccessTokens,
				this.requireMfa, blankAsNull(this.backchannelLogoutUri), this.backchannelLogoutSessionRequired,
				this.enabled, ShownVersion.parse(this.version));
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	private static String blankAsNull(String text) {
		return (text == null || text.isBlank()) ? null : text.strip();
	}

	static List<String> lines(String text) {
		return (text == null) ? List.of()
				: Arrays.stream(text.split("\\R")).map(String::strip).filter((line) -> !line.isEmpty()).toList();
	}

	static Set<String> words(String text) {
		Set<String> words = new LinkedHashSet<>();
		if (text != null) {
			Arrays.stream(text.strip().split("\\s+")).filter((word) -> !word.isEmpty()).forEach(words::add);
		}
		return words;
	}

	private static Duration duration(String field, String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return DurationStyle.detectAndParse(text.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(field);
		}
	}

	public String getClientId() {
		return this.clientId;
	}

	public void setClientId(String clientId) {
		this.clientId = (clientId != null) ? clientId : "";
	}

	public String getClientName() {
		return this.clientName;
	}

	public void setClientName(String clientName) {
		this.clientName = (clientName != null) ? clientName : "";
	}

	public String getType() {
		return this.type;
	}

	public void setType(String type) {
		this.type = type;
	}

	public String getTokenEndpointAuthMethod() {
		return this.tokenEndpointAuthMethod;
	}

	public void setTokenEndpointAuthMethod(String tokenEndpointAuthMethod) {
		this.tokenEndpointAuthMethod = tokenEndpointAuthMethod;
	}

	public String getJwks() {
		return this.jwks;
	}

	public void setJwks(String jwks) {
		this.jwks = (jwks != null) ? jwks : "";
	}

	public String getJwksUri() {
		return this.jwksUri;
	}

	public void setJwksUri(String jwksUri) {
		this.jwksUri = (jwksUri != null) ? jwksUri : "";
	}

	public String getRedirectUris() {
		return this.redirectUris;
	}

	public void setRedirectUris(String redirectUris) {
		this.redirectUris = redirectUris;
	}

	public String getPostLogoutRedirectUris() {
		return this.postLogoutRedirectUris;
	}

	public void setPostLogoutRedirectUris(String postLogoutRedirectUris) {
		this.postLogoutRedirectUris = postLogoutRedirectUris;
	}

	public List<String> getGrantTypes() {
		return this.grantTypes;
	}

	public void setGrantTypes(List<String> grantTypes) {
		this.grantTypes = (grantTypes != null) ? grantTypes : new ArrayList<>();
	}

	public String getScopes() {
		return this.scopes;
	}

	public void setScopes(String scopes) {
		this.scopes = scopes;
	}

	public boolean isRequirePkce() {
		return this.requirePkce;
	}

	public void setRequirePkce(boolean requirePkce) {
		this.requirePkce = requirePkce;
	}

	public boolean isRequireConsent() {
		return this.requireConsent;
	}

	public void setRequireConsent(boolean requireConsent) {
		this.requireConsent = requireConsent;
	}

	public String getAccessTokenTtl() {
		return this.accessTokenTtl;
	}

	public void setAccessTokenTtl(String accessTokenTtl) {
		this.accessTokenTtl = accessTokenTtl;
	}

	public String getRefreshTokenIdle() {
		return this.refreshTokenIdle;
	}

	public void setRefreshTokenIdle(String refreshTokenIdle) {
		this.refreshTokenIdle = refreshTokenIdle;
	}

	public String getRefreshTokenMax() {
		return this.refreshTokenMax;
	}

	public void setRefreshTokenMax(String refreshTokenMax) {
		this.refreshTokenMax = refreshTokenMax;
	}

	public String getExchangeAudiences() {
		return this.exchangeAudiences;
	}

	public void setExchangeAudiences(String exchangeAudiences) {
		this.exchangeAudiences = exchangeAudiences;
	}

	public boolean isIntrospectionAllowed() {
		return this.introspectionAllowed;
	}

	public void setIntrospectionAllowed(boolean introspectionAllowed) {
		this.introspectionAllowed = introspectionAllowed;
	}

	public boolean isRequirePushedAuthorizationRequests() {
		return this.requirePushedAuthorizationRequests;
	}

	public void setRequirePushedAuthorizationRequests(boolean requirePushedAuthorizationRequests) {
		this.requirePushedAuthorizationRequests = requirePushedAuthorizationRequests;
	}

	public boolean isDpopBoundAccessTokens() {
		return this.dpopBoundAccessTokens;
	}

	public void setDpopBoundAccessTokens(boolean dpopBoundAccessTokens) {
		this.dpopBoundAccessTokens = dpopBoundAccessTokens;
	}

	public boolean isRequireMfa() {
		return this.requireMfa;
	}

	public void setRequireMfa(boolean requireMfa) {
		this.requireMfa = requireMfa;
	}

	public String getBackchannelLogoutUri() {
		return this.backchannelLogoutUri;
	}

	public String getLogoUri() {
		return this.logoUri;
	}

	public void setLogoUri(String logoUri) {
		this.logoUri = (logoUri != null) ? logoUri : "";
	}

	public void setBackchannelLogoutUri(String backchannelLogoutUri) {
		this.backchannelLogoutUri = (backchannelLogoutUri != null) ? backchannelLogoutUri : "";
	}

	public boolean isBackchannelLogoutSessionRequired() {
		return this.backchannelLogoutSessionRequired;
	}

	public void setBackchannelLogoutSessionRequired(boolean backchannelLogoutSessionRequired) {
		this.backchannelLogoutSessionRequired = backchannelLogoutSessionRequired;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getConfirmPassword() {
		return this.confirmPassword;
	}

	public void setConfirmPassword(String confirmPassword) {
		this.confirmPassword = confirmPassword;
	}

	@Override
	public String toString() {
		return "ClientForm[" + this.clientId + "]";
	}

}
