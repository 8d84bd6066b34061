package dev.lanyard.server.consent;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.user.JdbcUserAccountRepository;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The consent store with every change audited: a person's consent given to a client
 * ({@code consent.granted}, with the scopes it adds) and one withdrawn
 * ({@code consent.withdrawn}: denied when asked again, revoked on the account page). The
 * framework's consent step, the device flow and the account page all go through it, so
 * none can change a consent without a record. Thread-safe.
 */
public final class AuditedConsents implements OAuth2AuthorizationConsentService {

	private final OAuth2AuthorizationConsentService consents;

	private final RegisteredClientRepository clients;

	private final AuditLog audit;

	private final JdbcUserAccountRepository accounts;

	private final TransactionTemplate transactions;

	public AuditedConsents(OAuth2AuthorizationConsentService consents, RegisteredClientRepository clients,
			AuditLog audit, JdbcUserAccountRepository accounts, TransactionTemplate transactions) {
		this.consents = consents;
		this.clients = clients;
		this.audit = audit;
		this.accounts = accounts;
		this.transactions = transactions;
	}

	/**
	 * Stores the person's consent to the client: what the caller adds to the consent it
	 * read in this request joins the consent as it is now. One change of a person's
	 * consents at a time (their account row locked). The framework's consent step and the
	 * device approval read the consent, then save it with the scopes they add, outside
	 * any lock: two approvals of different scopes at once (two tabs, two nodes) kept only
	 * the last one's, and an approval whose read came before a withdrawal (the person's
	 * "revoke" on the account page) brought the withdrawn scopes back. A caller that read
	 * nothing in this request (no request, or none read) takes nothing away either. Two
	 * first approvals at once both inserted, the second failing with a server error after
	 * its approval.
	 */
	@Override
	public void save(OAuth2AuthorizationConsent consent) {
		Set<GrantedAuthority> read = readInThisRequest(consent.getRegisteredClientId(), consent.getPrincipalName());
		OAuth2AuthorizationConsent[] beforeAndAfter = this.transactions.execute((status) -> {
			lockPerson(consent.getPrincipalName());
			OAuth2AuthorizationConsent stored = this.consents.findById(consent.getRegisteredClientId(),
					consent.getPrincipalName());
			OAuth2AuthorizationConsent joined = joined(consent, stored, read);
			if (joined != null) {
				this.consents.save(joined);
			}
			return new OAuth2AuthorizationConsent[] { stored, joined };
		});
		OAuth2AuthorizationConsent before = beforeAndAfter[0];
		OAuth2AuthorizationConsent after = beforeAndAfter[1];
		remember(consent.getRegisteredClientId(), consent.getPrincipalName(), (after != null) ? after : before);
		if (after == null) {
			return;
		}
		Set<String> added = new TreeSet<>(after.getScopes());
		if (before != null) {
			added.removeAll(before.getScopes());
		}
		if (!added.isEmpty()) {
			this.audit.record(consent.getPrincipalName(), "consent.granted", target(consent), clientAddress(),
					Map.of("scopes", added));
		}
	}

	/**
	 * The consent as stored now, with what {@code consent} adds to what its caller read;
	 * {@code null} when that leaves nothing (everything was withdrawn meanwhile and
	 * nothing new was given).
	 */
	private static OAuth2AuthorizationConsent joined(OAuth2AuthorizationConsent consent,
			OAuth2AuthorizationConsent stored, Set<GrantedAuthority> read) {
		Set<GrantedAuthority> authorities = new LinkedHashSet<>((stored != null) ? stored.getAuthorities() : Set.of());
		for (GrantedAuthority authority : consent.getAuthorities()) {
			if (read == null || !read.contains(authority)) {
				authorities.add(authority);
			}
		}
		if (authorities.isEmpty()) {
			return null;
		}
		return OAuth2AuthorizationConsent.withId(consent.getRegisteredClientId(), consent.getPrincipalName())
			.authorities((kept) -> kept.addAll(authorities))
			.build();
	}

	/**
	 * Withdraws the person's consent to the client, under the same lock as {@link #save}.
	 */
	@Override
	public void remove(OAuth2AuthorizationConsent consent) {
		this.transactions.executeWithoutResult((status) -> {
			lockPerson(consent.getPrincipalName());
			this.consents.remove(consent);
		});
		remember(consent.getRegisteredClientId(), consent.getPrincipalName(), null);
		this.audit.record(consent.getPrincipalName(), "consent.withdrawn", target(consent), clientAddress(), Map.of());
	}

	/** The consent as stored; remembered for this request, for {@link #save}. */
	@Override
	public OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
		OAuth2AuthorizationConsent found = this.consents.findById(registeredClientId, principalName);
		remember(registeredClientId, principalName, found);
		return found;
	}

	/** Where a request keeps the consents read in it, by client and person. */
	private static final String READ = AuditedConsents.class.getName() + ".READ";

	private static void remember(String registeredClientId, String principalName, OAuth2AuthorizationConsent read) {
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		if (request == null) {
			return;
		}
		@SuppressWarnings("unchecked")
		Map<String, Set<GrantedAuthority>> reads = (Map<String, Set<GrantedAuthority>>) request.getAttribute(READ,
				RequestAttributes.SCOPE_REQUEST);
		if (reads == null) {
			reads = new HashMap<>();
			request.setAttribute(READ, reads, RequestAttributes.SCOPE_REQUEST);
		}
		reads.put(registeredClientId + " " + principalName,
				(read != null) ? Set.copyOf(read.getAuthorities()) : Set.of());
	}

	/** The authorities of the consent read in this request; {@code null} if none was. */
	private static Set<GrantedAuthority> readInThisRequest(String registeredClientId, String principalName) {
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		@SuppressWarnings("unchecked")
		Map<String, Set<GrantedAuthority>> reads = (request != null)
				? (Map<String, Set<GrantedAuthority>>) request.getAttribute(READ, RequestAttributes.SCOPE_REQUEST)
				: null;
		return (reads != null) ? reads.get(registeredClientId + " " + principalName) : null;
	}

	private void lockPerson(String principalName) {
		UUID id;
		try {
			id = UUID.fromString(principalName);
		}
		catch (IllegalArgumentException ex) {
			// Not a person's (consents are people's): nothing to serialise on.
			return;
		}
		this.accounts.lockAgainstConcurrentChanges(id);
	}

	private String target(OAuth2AuthorizationConsent consent) {
		RegisteredClient client = this.clients.findById(consent.getRegisteredClientId());
		return "client:" + ((client != null) ? client.getClientId() : consent.getRegisteredClientId());
	}

	private static String clientAddress() {
		return (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request)
				? request.getRequest().getRemoteAddr() : null;
	}

}
