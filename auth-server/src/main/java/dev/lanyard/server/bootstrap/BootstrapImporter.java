package dev.lanyard.server.bootstrap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.federation.IdentityProviderChanges;
import dev.lanyard.server.federation.IdentityProviders;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.secondfactor.TotpAuthenticators;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.client.OAuthClient;
import dev.lanyard.server.storage.AdvisoryLocks;
import dev.lanyard.server.user.StandardClaim;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.MessageSource;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports the bootstrap file ({@code LANYARD_BOOTSTRAP}) at start-up, before the server
 * takes requests. An entry is applied when it is new or changed in the file since it was
 * last applied ({@link BootstrapEntries}): importing the same file again changes nothing,
 * and leaves what administrators changed since as they left it. A bad file stops start-up
 * with a message naming the line and field.
 */
@Component
class BootstrapImporter implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(BootstrapImporter.class);

	private final LanyardProperties properties;

	private final UserService users;

	private final ClientService clients;

	private final GrantRevocations authorizations;

	private final AuditLog audit;

	private final MessageSource messages;

	private final TransactionTemplate transactions;

	private final DataSource dataSource;

	private final Environment environment;

	private final FirstRunSetup setup;

	private final TotpAuthenticators authenticators;

	private final SecondFactors secondFactors;

	private final IdentityProviders identityProviders;

	private final IdentityProviderChanges identityProviderChanges;

	private final BootstrapEntries entries;

	/** The first administrator's username, for a start without a file. */
	static final String ADMIN_USERNAME = "LANYARD_BOOTSTRAP_ADMIN_USERNAME";

	/** The first administrator's password (policy applies; never logged). */
	static final String ADMIN_PASSWORD = "LANYARD_BOOTSTRAP_ADMIN_PASSWORD";

	BootstrapImporter(LanyardProperties properties, UserService users, ClientService clients,
			GrantRevocations authorizations, AuditLog audit, MessageSource messages, TransactionTemplate transactions,
			DataSource dataSource, Environment environment, FirstRunSetup setup, TotpAuthenticators authenticators,
			SecondFactors secondFactors, IdentityProviders identityProviders,
			IdentityProviderChanges identityProviderChanges, BootstrapEntries entries) {
		this.identityProviders = identityProviders;
		this.identityProviderChanges = identityProviderChanges;
		this.entries = entries;
		this.secondFactors = secondFactors;
		this.properties = properties;
		this.users = users;
		this.clients = clients;
		this.authorizations = authorizations;
		this.audit = audit;
		this.messages = messages;
		this.transactions = transactions;
		this.dataSource = dataSource;
		this.environment = environment;
		this.setup = setup;
		this.authenticators = authenticators;
	}

	@Override
	public void afterSingletonsInstantiated() {
		importFile();
		firstAdministrator();
	}

	/**
	 * With no administrator in the database, ever: creates one from
	 * {@code LANYARD_BOOTSTRAP_ADMIN_USERNAME} and
	 * {@code LANYARD_BOOTSTRAP_ADMIN_PASSWORD} (a container's first start, no file), or
	 * opens {@code /setup} with a token written to the data directory. Under the
	 * bootstrap lock, so nodes started at once create one administrator; never again once
	 * any account holds the role (even disabled or locked), so the variables can stay
	 * set.
	 */
	private void firstAdministrator() {
		String username = this.environment.getProperty(ADMIN_USERNAME);
		String password = this.environment.getProperty(ADMIN_PASSWORD);
		boolean hasUsername = username != null && !username.isBlank();
		boolean hasPassword = password != null && !password.isEmpty();
		if (hasUsername != hasPassword) {
			throw new BootstrapFileException(ADMIN_USERNAME + " and " + ADMIN_PASSWORD
					+ " go together: set both to create the first administrator, or neither");
		}
		// A secret read from a file often ends with a line break that is no part of it.
		String secret = hasPassword ? password.replaceAll("[\\r\\n]+$", "") : null;
		String name = hasUsername ? username.strip() : null;
		Boolean created = this.transactions.execute((status) -> {
			AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.dataSource);
			if (this.users.anAdministratorEverExisted()) {
				return false;
			}
			if (name == null) {
				return null;
			}
			if (LanyardProperties.PUBLISHED_EXAMPLE_SECRETS.contains(secret)
					&& !this.properties.issuerOnThisMachine()) {
				throw new BootstrapFileException(ADMIN_PASSWORD + " is the example published with Lanyard, and "
						+ "LANYARD_ISSUER (" + this.properties.issuer() + ") is not on this machine: choose your own");
			}
			this.users.passwordProblem(secret, name, null).ifPresent((problem) -> {
				throw new BootstrapFileException(ADMIN_PASSWORD + " breaks the password policy (" + problem
						+ "): choose a longer or less common one");
			});
			try {
				UserAccount admin = this.users.create(name, null, secret, true, false,
						List.of(UserService.ADMINISTRATOR_ROLE), Map.of(), Map.of());
				this.users.rememberAnAdministratorExisted();
				this.audit.record("system", "bootstrap.admin_created", "user:" + admin.id(), null,
						Map.of("username", admin.username()));
			}
			catch (AlreadyExistsException ex) {
				throw new BootstrapFileException(ADMIN_USERNAME + " names an account that exists without the "
						+ "administrator role; choose another username for the first administrator");
			}
			catch (InputRejectedException ex) {
				throw new BootstrapFileException(
						ADMIN_USERNAME + " is not a username Lanyard takes (" + ex.problems().get(0).code() + ")");
			}
			return true;
		});
		if (created == null) {
			Path file = this.setup.open();
			if (file == null) {
				return;
			}
			logger.warn(
					"No administrator exists yet. Open /setup on this server (e.g. http://localhost:{}/setup) "
							+ "and give the token in {}, or set {} and {}, or give one in the bootstrap file",
					this.environment.getProperty("server.port", "9000"), file, ADMIN_USERNAME, ADMIN_PASSWORD);
		}
		else if (created) {
			logger.info("Created the first administrator, {}, from {}", name, ADMIN_USERNAME);
		}
		else if (hasUsername) {
			logger.info("An administrator exists: {} and {} are not used", ADMIN_USERNAME, ADMIN_PASSWORD);
		}
	}

	private void importFile() {
		Path file = this.properties.bootstrap();
		if (file == null || file.toString().isBlank()) {
			return;
		}
		importFile(file);
	}

	/** Imports a bootstrap file: the one named at start, or another in a test. */
	void importFile(Path file) {
		if (!Files.isRegularFile(file)) {
			throw new BootstrapFileException("LANYARD_BOOTSTRAP names " + file + ", which is not a readable file");
		}
		BootstrapFile bootstrap = BootstrapFile.read(file);
		refuseExampleSecrets(file, bootstrap);
		// One transaction under a lock shared by every node: nodes started at once
		// import one after the other, and the later ones find everything in place.
		Outcomes outcomes = this.transactions.execute((status) -> {
			AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.dataSource);
			return importAll(file, bootstrap);
		});
		logger.info(
				"Bootstrap file {}: users {}; clients {}; identity providers {} (an entry is applied when the file "
						+ "changes it: changes made since in the console stand)",
				file, Outcomes.describe(outcomes.users()), Outcomes.describe(outcomes.clients()),
				Outcomes.describe(outcomes.identityProviders()));
	}

	private Outcomes importAll(Path file, BootstrapFile bootstrap) {
		Outcomes outcomes = new Outcomes();
		// The file's word, but not past the rule the console and the API keep: judged
		// once every entry is applied (the role may move from one entry to another), and
		// the start stops naming the first entry that withdrew one, changing nothing.
		boolean administratorBefore = this.users.anyActiveAdministrator();
		BootstrapFile.User firstWithdrawal = null;
		for (BootstrapFile.User user : bootstrap.users()) {
			Optional<byte[]> unapplied = this.entries.changed(BootstrapEntries.USER, user.username(), user.content());
			if (unapplied.isEmpty()) {
				outcomes.users().merge(ImportOutcome.UNCHANGED, 1, Integer::sum);
				continue;
			}
			byte[] digest = unapplied.get();
			this.users.passwordProblem(user.password(), user.username(), user.email())
				.ifPresent((problem) -> logger.warn(
						"{} {}: the password breaks the password policy ({}); " + "change it before production", file,
						user.location(), problem));
			try {
				UserService.Change change = this.users.importUser(user.username(), user.password(), user.email(),
						user.roles(), user.attributes(), user.claims(), user.enabled());
				ImportOutcome outcome = change.outcome();
				if (firstWithdrawal == null && change.administratorWithdrawn()) {
					firstWithdrawal = user;
				}
				boolean mfaChanged = user.mfaRequired() != null
						&& this.secondFactors.require(change.after().id(), user.mfaRequired());
				boolean authenticatorImported = user.totpSecret() != null
						&& this.authenticators.importSecret(change.after().id(), user.totpSecret());
				if ((mfaChanged || authenticatorImported) && outcome == ImportOutcome.UNCHANGED) {
					outcome = ImportOutcome.UPDATED;
				}
				outcomes.users().merge(outcome, 1, Integer::sum);
				if (outcome != ImportOutcome.UNCHANGED) {
					// Who the file changed and how (never values): the file's word
					// overrides the console's, so the audit log must say what it did.
					List<String> changed = new ArrayList<>(change.changedFields());
					if (mfaChanged) {
						changed.add("mfa_required");
					}
					if (authenticatorImported) {
						changed.add("authenticator");
					}
					this.audit.record("system", "user." + outcome.name().toLowerCase(Locale.ROOT) + "_from_file",
							"user:" + change.after().id(), null,
							Map.of("source", file.getFileName().toString(), "username", change.after().username(),
									"changed", changed, "roles", change.after().roles()));
				}
				// The file is the operator's word: a user it disables, or whose
				// password it replaces, keeps no session or token from before.
				if (change.accessWithdrawn() || change.passwordReplaced()) {
					this.users.endSignIns(change.after().id());
					int revoked = this.authorizations.revokeByPrincipal(change.after().id().toString(),
							change.accessWithdrawn() ? "user_disabled" : "password_changed");
					logger.info("{} {}: {}; revoked {} grants", file, user.location(),
							change.accessWithdrawn() ? "disabled" : "password replaced", revoked);
				}
				this.entries.applied(BootstrapEntries.USER, user.username(), digest);
			}
			catch (InputRejectedException ex) {
				throw problem(file, ex, user.location(), user.lines(), "username");
			}
		}
		if (administratorBefore && firstWithdrawal != null && !this.users.anyActiveAdministrator()) {
			throw problem(file, new InputRejectedException("roles", "user.last-administrator"),
					firstWithdrawal.location(), firstWithdrawal.lines(), "username");
		}
		for (BootstrapFile.Client client : bootstrap.clients()) {
			Optional<byte[]> unapplied = this.entries.changed(BootstrapEntries.CLIENT, client.clientId(),
					client.content());
			if (unapplied.isEmpty()) {
				outcomes.clients().merge(ImportOutcome.UNCHANGED, 1, Integer::sum);
				continue;
			}
			byte[] digest = unapplied.get();
			try {
				Optional<OAuthClient> before = this.clients.findByClientId(client.clientId());
				ImportOutcome outcome = this.clients.importClient(toRegistration(client));
				outcomes.clients().merge(outcome, 1, Integer::sum);
				if (outcome != ImportOutcome.UNCHANGED) {
					OAuthClient after = this.clients.findByClientId(client.clientId()).orElseThrow();
					this.audit.record("system", "client." + outcome.name().toLowerCase(Locale.ROOT) + "_from_file",
							"client:" + client.clientId(), null, Map.of("source", file.getFileName().toString(),
									"changed", before.map(after::settingsChangedSince).orElse(List.of())));
				}
				this.entries.applied(BootstrapEntries.CLIENT, client.clientId(), digest);
			}
			catch (InputRejectedException ex) {
				throw problem(file, ex, client.location(), client.lines(), "client-id");
			}
		}
		for (BootstrapFile.IdentityProvider entry : bootstrap.identityProviders()) {
			String id = entry.provider().id();
			Optional<byte[]> unapplied = this.entries.changed(BootstrapEntries.IDENTITY_PROVIDER, id, entry.content());
			if (unapplied.isEmpty()) {
				outcomes.identityProviders().merge(ImportOutcome.UNCHANGED, 1, Integer::sum);
				continue;
			}
			byte[] digest = unapplied.get();
			try {
				Optional<dev.lanyard.server.federation.IdentityProvider> before = this.identityProviders.find(id);
				ImportOutcome outcome = this.identityProviderChanges.save(entry.provider(), "admin", null);
				outcomes.identityProviders().merge(outcome, 1, Integer::sum);
				if (outcome != ImportOutcome.UNCHANGED) {
					this.audit.record("system", "identity_provider." + outcome.name().toLowerCase(Locale.ROOT),
							"idp:" + id, null, Map.of("source", file.getFileName().toString(), "changed",
									before.map(entry.provider()::settingsChangedSince).orElse(List.of())));
				}
				this.entries.applied(BootstrapEntries.IDENTITY_PROVIDER, id, digest);
			}
			catch (InputRejectedException ex) {
				throw problem(file, ex, entry.location(), entry.lines(), "id");
			}
		}
		this.entries.forgetAllBut(BootstrapEntries.USER,
				bootstrap.users().stream().map(BootstrapFile.User::username).toList());
		this.entries.forgetAllBut(BootstrapEntries.CLIENT,
				bootstrap.clients().stream().map(BootstrapFile.Client::clientId).toList());
		this.entries.forgetAllBut(BootstrapEntries.IDENTITY_PROVIDER,
				bootstrap.identityProviders().stream().map((entry) -> entry.provider().id()).toList());
		if (outcomes.changedAnything()) {
			this.audit.record("system", "bootstrap.imported", file.getFileName().toString(), null,
					Map.of("users", Outcomes.describe(outcomes.users()), "clients",
							Outcomes.describe(outcomes.clients()), "identity_providers",
							Outcomes.describe(outcomes.identityProviders())));
		}
		return outcomes;
	}

	/**
	 * How many entries of each kind were created, updated or left unchanged (the file
	 * gives them as when last applied, or as the database has them).
	 */
	private record Outcomes(Map<ImportOutcome, Integer> users, Map<ImportOutcome, Integer> clients,
			Map<ImportOutcome, Integer> identityProviders) {

		Outcomes() {
			this(new EnumMap<>(ImportOutcome.class), new EnumMap<>(ImportOutcome.class),
					new EnumMap<>(ImportOutcome.class));
		}

		boolean changedAnything() {
			return Stream.of(this.users, this.clients, this.identityProviders)
				.flatMap((counts) -> counts.keySet().stream())
				.anyMatch((outcome) -> outcome != ImportOutcome.UNCHANGED);
		}

		/** "2 created, 1 unchanged", or "none". */
		static String describe(Map<ImportOutcome, Integer> counts) {
			if (counts.isEmpty()) {
				return "none";
			}
			return counts.entrySet()
				.stream()
				.map((count) -> count.getValue() + " " + count.getKey().name().toLowerCase(Locale.ROOT))
				.collect(Collectors.joining(", "));
		}

	}

	/**
	 * Stops the start when the file holds a password or client secret of the examples
	 * published with Lanyard and the issuer is not on this machine: anyone may sign in as
	 * such a user (and enrol their own second factor) or use such a client. Checked for
	 * every entry, applied before or not: an entry applied during a trial on this machine
	 * keeps its secret.
	 */
	private void refuseExampleSecrets(Path file, BootstrapFile bootstrap) {
		if (this.properties.issuerOnThisMachine()) {
			return;
		}
		for (BootstrapFile.User user : bootstrap.users()) {
			refuseExampleSecret(file, user.password(), user.location(), user.lines(), "password");
		}
		for (BootstrapFile.Client client : bootstrap.clients()) {
			refuseExampleSecret(file, client.clientSecret(), client.location(), client.lines(), "client-secret");
		}
		for (BootstrapFile.IdentityProvider entry : bootstrap.identityProviders()) {
			refuseExampleSecret(file, entry.provider().clientSecret(), entry.location(), entry.lines(),
					"client-secret");
		}
	}

	private void refuseExampleSecret(Path file, String secret, String location, Map<String, Integer> lines,
			String key) {
		if (secret != null && LanyardProperties.PUBLISHED_EXAMPLE_SECRETS.contains(secret)) {
			throw new BootstrapFileException(file + " line " + lines.get(key) + ", " + location + "." + key
					+ ": an example value published with Lanyard, and LANYARD_ISSUER (" + this.properties.issuer()
					+ ") is not on this machine: set a secret of your own");
		}
	}

	/**
	 * The first rule an entry broke, as "file line N, clients[1].redirect-uris: message".
	 */
	private BootstrapFileException problem(Path file, InputRejectedException ex, String location,
			Map<String, Integer> lines, String entryKey) {
		InputRejectedException.Problem first = ex.problems().get(0);
		String key = yamlKey(first.field());
		Integer line = lines.getOrDefault(key, lines.get(entryKey));
		return new BootstrapFileException(file + " line " + line + ", " + location + "." + key + ": "
				+ this.messages.getMessage(first.code(), null, first.code(), Locale.ENGLISH));
	}

	private static ClientRegistration toRegistration(BootstrapFile.Client client) {
		boolean publicClient = (client.tokenEndpointAuthMethod() != null)
				? "none".equals(client.tokenEndpointAuthMethod()) : client.clientSecret() == null;
		return new ClientRegistration(client.clientId(), client.clientName(), client.logoUri(), publicClient,
				client.clientSecret(), client.tokenEndpointAuthMethod(), client.jwks(), client.jwksUri(),
				client.redirectUris(), client.postLogoutRedirectUris(), new HashSet<>(client.grantTypes()),
				new HashSet<>(client.scopes()), client.requirePkce(), client.requireConsent(), client.accessTokenTtl(),
				client.refreshTokenIdle(), client.refreshTokenMax(), client.exchangeAudiences(),
				client.introspectionAllowed(), client.requirePushedAuthorizationRequests(),
				client.dpopBoundAccessTokens(), client.requireMfa(), client.backchannelLogoutUri(),
				client.backchannelLogoutSessionRequired(), client.enabled());
	}

	private static String yamlKey(String field) {
		if (field.startsWith("claims.")) {
			StandardClaim claim = StandardClaim.named(field.substring("claims.".length()));
			return (claim == null) ? field : claim.addressPart() ? StandardClaim.ADDRESS : claim.bootstrapKey();
		}
		return switch (field) {
			case "scope" -> "scopes";
			case "access_token_ttl" -> "access-token-ttl";
			default -> field.replace('_', '-');
		};
	}

}
