package dev.lanyard.server.consent;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.user.JdbcUserAccountRepository;

import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;
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
	 * Stores the person's consent to the client. One change of a person's consents at a
	 * time (their account row locked): the store looks the consent up, then inserts or
	 * updates it, and two first approvals at once (two devices of one client, on two
	 * nodes) both inserted, the second failing with a server error after its approval.
	 */
	@Override
	public void save(OAuth2AuthorizationConsent consent) {
		OAuth2AuthorizationConsent before = this.transactions.execute((status) -> {
			lockPerson(consent.getPrincipalName());
			OAuth2AuthorizationConsent stored = this.consents.findById(consent.getRegisteredClientId(),
					consent.getPrincipalName());
			this.consents.save(consent);
			return stored;
		});
		Set<String> added = new TreeSet<>(consent.getScopes());
		if (before != null) {
			added.removeAll(before.getScopes());
		}
		if (!added.isEmpty()) {
			this.audit.record(consent.getPrincipalName(), "consent.granted", target(consent), clientAddress(),
					Map.of("scopes", added));
		}
	}

	@Override
	public void remove(OAuth2AuthorizationConsent consent) {
		this.consents.remove(consent);
		this.audit.record(consent.getPrincipalName(), "consent.withdrawn", target(consent), clientAddress(), Map.of());
	}

	@Override
	public OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
		return this.consents.findById(registeredClientId, principalName);
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
