package dev.lanyard.server.user;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.InputRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The rules of the OpenID Connect standard claims a user may carry (OpenID Connect Core
 * §5.1), one per kind of value.
 */
class StandardClaimTest {

	@Test
	void normalizeWhenEveryKindValidThenKeptStrippedInClaimOrder() {
		Map<String, String> claims = new LinkedHashMap<>();
		claims.put("address.country", "FR");
		claims.put("given_name", "  Élodie ");
		claims.put("picture", "https://cdn.example.com/e.png");
		claims.put("birthdate", "1990-02-28");
		claims.put("zoneinfo", "Europe/Paris");
		claims.put("locale", "fr-FR");
		claims.put("phone_number", "+33 1 23 45 67 89;ext=12");
		claims.put("phone_number_verified", "TRUE");
		claims.put("email_verified", "false");
		claims.put("address.street_address", "1 rue de la Paix\nBâtiment B");
		claims.put("nickname", "   ");

		assertThat(StandardClaim.normalize(claims)).containsExactly(Map.entry("given_name", "Élodie"),
				Map.entry("picture", "https://cdn.example.com/e.png"), Map.entry("birthdate", "1990-02-28"),
				Map.entry("zoneinfo", "Europe/Paris"), Map.entry("locale", "fr-FR"),
				Map.entry("phone_number", "+33 1 23 45 67 89;ext=12"), Map.entry("phone_number_verified", "true"),
				Map.entry("address.street_address", "1 rue de la Paix\nBâtiment B"),
				Map.entry("address.country", "FR"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			website        | javascript:alert(1)        | claim.url
			picture        | https://user@evil.example/ | claim.url
			profile        | /relative/path             | claim.url
			birthdate      | 1990-02-30                 | claim.date
			birthdate      | 90-02-28                   | claim.date
			zoneinfo       | Mars/Olympus               | claim.zone
			locale         | not a tag                  | claim.locale
			phone_number   | call me maybe              | claim.phone
			email_verified | yes                        | claim.boolean
			address.country| 'F\tR'                     | claim.text
			shoe_size      | 42                         | claim.unknown
			""")
	void normalizeWhenValueBreaksItsRuleThenRefusedByName(String claim, String value, String code) {
		InputRejectedException refused = catchThrowableOfType(InputRejectedException.class,
				() -> StandardClaim.normalize(Map.of(claim.strip(), value.replace("\\t", "\t"))));

		assertThat(refused.problems())
			.containsExactly(new InputRejectedException.Problem("claims." + claim.strip(), code));
	}

	@Test
	void normalizeWhenBidiOverrideOrLoneSurrogateThenRefusedButJoinersKept() {
		for (String bad : new String[] { "evil\u202Egnp.exe", "a\u2066b", "\uD800x" }) {
			InputRejectedException refused = catchThrowableOfType(InputRejectedException.class,
					() -> StandardClaim.normalize(Map.of("nickname", bad)));
			assertThat(refused.problems()).as(bad)
				.containsExactly(new InputRejectedException.Problem("claims.nickname", "claim.text"));
		}
		// ZERO WIDTH NON-JOINER belongs to Persian names.
		assertThat(StandardClaim.normalize(Map.of("given_name", "\u0645\u06cc\u200c\u0646\u0627")))
			.containsEntry("given_name", "\u0645\u06cc\u200c\u0646\u0627");
	}

	@Test
	void normalizeWhenYearOnlyOrYearOmittedThenAccepted() {
		assertThat(StandardClaim.normalize(Map.of("birthdate", "1990"))).containsEntry("birthdate", "1990");
		assertThat(StandardClaim.normalize(Map.of("birthdate", "0000-02-28"))).containsEntry("birthdate", "0000-02-28");
	}

	@Test
	void jsonWhenRoundTrippedThenSameClaimsWithTypedBooleansAndNestedAddress() {
		Map<String, String> claims = StandardClaim.normalize(Map.of("name", "Ana", "email_verified", "true",
				"address.locality", "Porto", "address.postal_code", "4000-001"));

		Map<String, Object> json = StandardClaim.toJson(claims);

		assertThat(json).containsExactly(Map.entry("name", "Ana"), Map.entry("email_verified", true),
				Map.entry("address", Map.of("locality", "Porto", "postal_code", "4000-001")));
		assertThat(StandardClaim.fromJson(json)).isEqualTo(claims);
	}

	@Test
	void fromJsonWhenNumberOrObjectGivenThenNormalizeRefusesIt() {
		Map<String, String> claims = StandardClaim.fromJson(Map.of("nickname", 42, "website", List.of("a")));

		InputRejectedException refused = catchThrowableOfType(InputRejectedException.class,
				() -> StandardClaim.normalize(claims));
		assertThat(refused.problems()).extracting(InputRejectedException.Problem::code)
			.containsExactlyInAnyOrder("claim.text", "claim.url");
	}

}
