package dev.lanyard.server.authorization;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.exchange.RevocationChannel;
import dev.lanyard.server.token.TokenHash;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The storage rules that make single use atomic and refresh-token reuse fatal. */
class HashedAuthorizationServiceTest {

	private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

	private final HashedAuthorizationService service = SharedLanyard.server().bean(HashedAuthorizationService.class);

	private final GrantRevocations revocations = SharedLanyard.server().bean(GrantRevocations.class);

	private final JdbcAuthorizationRows rows = SharedLanyard.server().bean(JdbcAuthorizationRows.class);

	private final AccessTokenCache cache = SharedLanyard.server().bean(AccessTokenCache.class);

	private final RegisteredClient client = SharedLanyard.server()
		.bean(RegisteredClientRepository.class)
		.findByClientId("service");

	@Test
	void saveWhenAuthorizationChangedSinceReadThenInvalidGrantAndGrantRevoked() {
		String accessToken = "lyat_" + TokenHash.of("a" + System.nanoTime());
		this.service.save(authorization(accessToken, null));
		OAuth2Authorization first = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
		OAuth2Authorization second = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);

		this.service.save(OAuth2Authorization.from(first).attribute("note", "first writer").build());

		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> this.service.save(OAuth2Authorization.from(second).attribute("note", "second").build()))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
		OAuth2Authorization after = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
		assertThat(after.getAccessToken().isInvalidated()).isTrue();
		assertThat((String) after.getAttribute("note")).isEqualTo("first writer");
	}

	/**
	 * One waiting authorization request answered twice at once (a consent form sent
	 * twice, a device approved and denied from two tabs): both read it, the first
	 * answer's code is saved, and the second answer, which issues no token, is refused
	 * without revoking anything. Revoking took back the code the first answer had just
	 * given.
	 */
	@Test
	void saveWhenWaitingRequestAnsweredTwiceThenSecondRefusedAndFirstCodeStands() {
		String state = "state-" + System.nanoTime();
		this.service.save(waitingRequest(state));
		OAuth2Authorization first = this.service.findByToken(state, STATE);
		OAuth2Authorization second = this.service.findByToken(state, STATE);
		String code = "lyac_" + TokenHash.of("first" + System.nanoTime());

		this.service.save(OAuth2Authorization.from(first).token(authorizationCode(code)).build());

		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> this.service.save(OAuth2Authorization.from(second)
				.token(authorizationCode("lyac_" + TokenHash.of("second" + System.nanoTime())))
				.build()))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_request"));
		OAuth2Authorization.Token<OAuth2AuthorizationCode> issued = this.service
			.findByToken(code, new OAuth2TokenType(OAuth2ParameterNames.CODE))
			.getToken(OAuth2AuthorizationCode.class);
		assertThat(issued.isActive()).isTrue();
	}

	/**
	 * A user code is unique only while it waits for a person (V20): a new device request
	 * that draws the code of one that expired unanswered is stored (it was a 500), and
	 * one that draws the code of a request still waiting is told to ask again.
	 */
	@Test
	void saveWhenUserCodeOfAnExpiredRequestDrawnAgainThenStoredAndOfAWaitingOneThenAskAgain() {
		String userCode = "TEST-" + System.nanoTime();
		Instant now = Instant.now();
		this.service.save(deviceRequest(userCode, now.minusSeconds(600)));
		OAuth2Authorization waiting = deviceRequest(userCode, now);
		this.service.save(waiting);
		assertThat(this.service.findByToken(userCode, new OAuth2TokenType(OAuth2ParameterNames.USER_CODE)).getId())
			.isEqualTo(waiting.getId());

		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> this.service.save(deviceRequest(userCode, now)))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("temporarily_unavailable"));
	}

	private OAuth2Authorization deviceRequest(String userCode, Instant issuedAt) {
		Instant expiresAt = issuedAt.plusSeconds(300);
		return OAuth2Authorization.withRegisteredClient(this.client)
			.principalName(this.client.getClientId())
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.token(new OAuth2DeviceCode("lydc_" + TokenHash.of("device" + System.nanoTime()), issuedAt, expiresAt))
			.token(new OAuth2UserCode(userCode, issuedAt, expiresAt))
			.attribute(OAuth2ParameterNames.SCOPE, Set.of())
			.build();
	}

	/**
	 * RFC 9126 §4: a pushed request's {@code request_uri} is used once. Two authorization
	 * requests with it at once both read it and issue a code before removing it: the one
	 * that removes it second is refused (each used to get a code).
	 */
	@Test
	void removeWhenWaitingRequestRemovedMeanwhileThenRefused() {
		String state = "pushed-" + System.nanoTime();
		this.service.save(waitingRequest(state));
		OAuth2Authorization first = this.service.findByToken(state, STATE);
		OAuth2Authorization second = this.service.findByToken(state, STATE);

		this.service.remove(first);

		assertThatExceptionOfType(OAuth2AuthenticationException.class).isThrownBy(() -> this.service.remove(second))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_request"));
		// Anything else already gone is removed quietly.
		String accessToken = "lyat_" + TokenHash.of("e" + System.nanoTime());
		this.service.save(authorization(accessToken, null));
		OAuth2Authorization issued = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
		this.service.remove(issued);
		this.service.remove(issued);
	}

	@Test
	void findByRefreshTokenWhenRotatedAwayThenGrantRevoked() {
		String accessToken = "lyat_" + TokenHash.of("b" + System.nanoTime());
		String oldRefresh = "lyrt_" + TokenHash.of("old" + System.nanoTime());
		String newRefresh = "lyrt_" + TokenHash.of("new" + System.nanoTime());
		this.service.save(authorization(accessToken, oldRefresh));
		OAuth2Authorization stored = this.service.findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN);
		this.service.save(OAuth2Authorization.from(stored).refreshToken(refresh(newRefresh)).build());
		assertThat(this.service.findByToken(newRefresh, OAuth2TokenType.REFRESH_TOKEN).getRefreshToken().isActive())
			.isTrue();

		assertThat(this.service.findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();

		OAuth2Authorization revoked = this.service.findByToken(newRefresh, OAuth2TokenType.REFRESH_TOKEN);
		assertThat(revoked.getRefreshToken().isInvalidated()).isTrue();
		assertThat(revoked.getAccessToken().isInvalidated()).isTrue();
	}

	@Test
	void findByTokenWhenPlaceholderOrUnknownThenNothing() {
		String accessToken = "lyat_" + TokenHash.of("c" + System.nanoTime());
		this.service.save(authorization(accessToken, null));
		assertThat(this.service.findByToken("hash:" + TokenHash.of(accessToken), null)).isNull();
		assertThat(this.service.findByToken(TokenHash.of(accessToken), null)).isNull();
		assertThat(this.service.findByToken(accessToken, null).getAccessToken().getToken().getTokenValue())
			.isEqualTo(accessToken);
	}

	@Test
	void findByTokenWhenReaderCachesARowLoadedBeforeRevocationThenRevocationStands() {
		String accessToken = "lyat_" + TokenHash.of("d" + System.nanoTime());
		this.service.save(authorization(accessToken, null));
		OAuth2Authorization beforeRevocation = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
		String staleRow = this.cache.get(TokenHash.of(accessToken)).orElseThrow().row();
		long staleVersion = this.cache.get(TokenHash.of(accessToken)).orElseThrow().version();

		assertThat(this.revocations.revokeById(beforeRevocation.getId(), "test")).isEqualTo(1);
		// A slow reader that loaded the row before the revocation now writes it back.
		this.cache.putIfNewer(TokenHash.of(accessToken), new AccessTokenCache.Entry(staleVersion, staleRow),
				Duration.ofMinutes(1));

		assertThat(this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN).getAccessToken().isInvalidated())
			.isTrue();
		assertThat(this.revocations.revokeById(beforeRevocation.getId(), "again")).as("already revoked").isZero();
	}

	@Test
	void findByTokenWhenLookedUpAgainThenDecodedOnceAndARevocationStillSeenAtOnce() {
		String accessToken = "lyat_" + TokenHash.of("m" + System.nanoTime());
		this.service.save(authorization(accessToken, null));
		OAuth2Authorization first = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);

		assertThat(this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN))
			.as("the same cached row is not decoded again")
			.isSameAs(first);

		this.revocations.revokeById(first.getId(), "test");
		OAuth2Authorization revoked = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
		assertThat(revoked).isNotSameAs(first);
		assertThat(revoked.getAccessToken().isInvalidated()).as("the revoked row, decoded afresh").isTrue();
		assertThat(first.getAccessToken().isInvalidated()).as("what was handed out before is unchanged").isFalse();
	}

	@Test
	void findByTokenWhenAccessTokenReplacedByRefreshThenOldOneNoLongerResolves() {
		String oldAccess = "lyat_" + TokenHash.of("e" + System.nanoTime());
		String newAccess = "lyat_" + TokenHash.of("f" + System.nanoTime());
		this.service.save(authorization(oldAccess, "lyrt_" + TokenHash.of("g" + System.nanoTime())));
		OAuth2Authorization stored = this.service.findByToken(oldAccess, OAuth2TokenType.ACCESS_TOKEN);
		Instant now = Instant.now();

		this.service.save(OAuth2Authorization.from(stored)
			.accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, newAccess, now,
					now.plus(10, ChronoUnit.MINUTES), Set.of("reports.read")))
			.build());

		assertThat(this.service.findByToken(oldAccess, OAuth2TokenType.ACCESS_TOKEN)).isNull();
		assertThat(this.service.findByToken(newAccess, OAuth2TokenType.ACCESS_TOKEN).getAccessToken().isActive())
			.isTrue();
	}

	/**
	 * HD-02: a refresh announces the access token it replaced, and a later revocation of
	 * the grant announces every access token of it a gateway may still hold, replaced
	 * ones included (in case the refresh's announcement was missed).
	 */
	@Test
	@SuppressWarnings("unchecked")
	void hd02RevocationWhenGrantWasRefreshedThenEveryUnexpiredAccessTokenAnnounced() throws Exception {
		RevocationChannel channel = SharedLanyard.server().bean(RevocationChannel.class);
		List<Map<String, Object>> messages = new CopyOnWriteArrayList<>();
		RedisMessageListenerContainer listener = new RedisMessageListenerContainer();
		listener.setConnectionFactory(SharedLanyard.server().bean(RedisConnectionFactory.class));
		listener.addMessageListener(
				(message, pattern) -> messages
					.add(TestBrowser.json(new String(message.getBody(), StandardCharsets.UTF_8))),
				new ChannelTopic(channel.channel()));
		listener.afterPropertiesSet();
		listener.start();
		try {
			awaitSubscribed(channel.channel(), messages);
			String first = "lyat_" + TokenHash.of("r1" + System.nanoTime());
			String second = "lyat_" + TokenHash.of("r2" + System.nanoTime());
			String third = "lyat_" + TokenHash.of("r3" + System.nanoTime());
			this.service.save(authorization(first, "lyrt_" + TokenHash.of("rr" + System.nanoTime())));
			replaceAccessToken(first, second);
			assertThat(awaitMessage(messages, "refreshed").get("token_hashes")).isEqualTo(List.of(TokenHash.of(first)));
			replaceAccessToken(second, third);
			assertThat(awaitMessage(messages, "refreshed").get("token_hashes"))
				.isEqualTo(List.of(TokenHash.of(second)));

			String id = this.service.findByToken(third, OAuth2TokenType.ACCESS_TOKEN).getId();
			assertThat(this.revocations.revokeById(id, "logout")).isOne();
			assertThat((List<Object>) awaitMessage(messages, "logout").get("token_hashes"))
				.containsExactlyInAnyOrder(TokenHash.of(first), TokenHash.of(second), TokenHash.of(third));
		}
		finally {
			listener.stop();
			listener.destroy();
		}
	}

	private void replaceAccessToken(String current, String next) {
		OAuth2Authorization stored = this.service.findByToken(current, OAuth2TokenType.ACCESS_TOKEN);
		Instant now = Instant.now();
		this.service.save(OAuth2Authorization.from(stored)
			.accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, next, now,
					now.plus(10, ChronoUnit.MINUTES), Set.of("reports.read")))
			.build());
	}

	private static void awaitSubscribed(String channel, List<Map<String, Object>> messages)
			throws InterruptedException {
		StringRedisTemplate redis = SharedLanyard.server().bean(StringRedisTemplate.class);
		for (int i = 0; i < 100 && messages.isEmpty(); i++) {
			redis.convertAndSend(channel, "{\"reason\":\"probe\"}");
			Thread.sleep(50);
		}
		assertThat(messages).as("subscribed").isNotEmpty();
		messages.clear();
	}

	private static Map<String, Object> awaitMessage(List<Map<String, Object>> messages, String reason)
			throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			for (Map<String, Object> message : messages) {
				if (reason.equals(message.get("reason"))) {
					messages.remove(message);
					return message;
				}
			}
			Thread.sleep(20);
		}
		throw new AssertionError("No revocation message '" + reason + "' in " + messages);
	}

	@Test
	void purgeDeadWhenNothingPresentableForAWeekThenOnlyThoseDeleted() {
		String longDead = "lyat_" + TokenHash.of("h" + System.nanoTime());
		String recentlyDead = "lyat_" + TokenHash.of("i" + System.nanoTime());
		String oldButRefreshable = "lyat_" + TokenHash.of("j" + System.nanoTime());
		this.service.save(authorization(longDead, null));
		this.service.save(authorization(recentlyDead, null));
		this.service.save(authorization(oldButRefreshable, "lyrt_" + TokenHash.of("k" + System.nanoTime())));
		JdbcTemplate jdbc = new JdbcTemplate(SharedLanyard.server().bean(DataSource.class));
		String backdate = """
				UPDATE oauth_authorizations SET created_at = now() - interval '30 days',
				  updated_at = now() - interval '%s', access_token_expires_at = now() - interval '%s',
				  refresh_token_expires_at = CASE WHEN refresh_token_hash IS NULL THEN NULL
				    ELSE now() + interval '1 day' END
				WHERE access_token_hash = ?""";
		jdbc.update(backdate.formatted("20 days", "20 days"), TokenHash.of(longDead));
		jdbc.update(backdate.formatted("1 day", "1 day"), TokenHash.of(recentlyDead));
		jdbc.update(backdate.formatted("20 days", "20 days"), TokenHash.of(oldButRefreshable));

		assertThat(this.rows.purgeDead(Duration.ofDays(7))).isGreaterThanOrEqualTo(1);

		String count = "SELECT count(*) FROM oauth_authorizations WHERE access_token_hash = ?";
		assertThat(jdbc.queryForObject(count, Long.class, TokenHash.of(longDead))).isZero();
		assertThat(jdbc.queryForObject(count, Long.class, TokenHash.of(recentlyDead))).isOne();
		assertThat(jdbc.queryForObject(count, Long.class, TokenHash.of(oldButRefreshable))).isOne();
	}

	private OAuth2Authorization authorization(String accessToken, String refreshToken) {
		Instant now = Instant.now();
		OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(this.client)
			.principalName("service")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.authorizedScopes(Set.of("reports.read"))
			.accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, now,
					now.plus(10, ChronoUnit.MINUTES), Set.of("reports.read")));
		if (refreshToken != null) {
			builder.refreshToken(refresh(refreshToken));
		}
		return builder.build();
	}

	/**
	 * An authorization request waiting to be carried on (pushed, or waiting for consent):
	 * found by its state, no code or token yet.
	 */
	private OAuth2Authorization waitingRequest(String state) {
		RegisteredClient webApp = SharedLanyard.server()
			.bean(RegisteredClientRepository.class)
			.findByClientId("web-app");
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(SharedLanyard.server().baseUrl() + "/oauth2/authorize")
			.clientId("web-app")
			.redirectUri(TestBootstrap.REDIRECT_URI)
			.scopes(Set.of("openid"))
			.state("client-state")
			.build();
		return OAuth2Authorization.withRegisteredClient(webApp)
			.principalName("bob")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.attribute(OAuth2AuthorizationRequest.class.getName(), request)
			.attribute(OAuth2ParameterNames.STATE, state)
			.build();
	}

	private static OAuth2AuthorizationCode authorizationCode(String value) {
		Instant now = Instant.now();
		return new OAuth2AuthorizationCode(value, now, now.plus(2, ChronoUnit.MINUTES));
	}

	private static OAuth2RefreshToken refresh(String value) {
		Instant now = Instant.now();
		return new OAuth2RefreshToken(value, now, now.plus(1, ChronoUnit.HOURS));
	}

}
