package dev.lanyard.server.key;

import java.time.Duration;
import java.time.Instant;

import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Signing keys as {@link JdbcSigningKeyRepository} stores and changes them. */
@RepositorySliceTest
class JdbcSigningKeyRepositoryTest {

	private static final Instant T0 = TestSigningKeys.CREATED_AT;

	@Autowired
	private JdbcSigningKeyRepository keys;

	@Test
	void findAllWhenInsertedThenEveryFieldAsWrittenNewestFirst() {
		SigningKey active = TestSigningKeys.active("kid-active").build();
		SigningKey next = TestSigningKeys.next("kid-next").createdAt(T0.plusSeconds(60)).build();
		this.keys.insert(active);
		this.keys.insert(next);

		assertThat(this.keys.findAll()).extracting(SigningKey::kid).containsExactly("kid-next", "kid-active");
		SigningKey read = this.keys.findAll().get(1);
		assertThat(read.kid()).isEqualTo("kid-active");
		assertThat(read.algorithm()).isEqualTo("RS256");
		assertThat(read.state()).isEqualTo(SigningKey.State.ACTIVE);
		assertThat(read.publicJwk()).isEqualTo(active.publicJwk());
		assertThat(read.sealedPrivateKey()).isEqualTo(active.sealedPrivateKey());
		assertThat(read.createdAt()).isEqualTo(T0);
		assertThat(read.activatedAt()).isEqualTo(T0);
		assertThat(read.retiredAt()).isNull();
		assertThat(read.activateAfter()).isNull();
		SigningKey readNext = this.keys.findAll().get(0);
		assertThat(readNext.state()).isEqualTo(SigningKey.State.NEXT);
		assertThat(readNext.activatedAt()).isNull();
	}

	@Test
	void findByStateWhenSeveralInThatStateThenNewest() {
		this.keys.insert(TestSigningKeys.next("old-next").build());
		this.keys.insert(TestSigningKeys.next("new-next").createdAt(T0.plusSeconds(1)).build());
		this.keys.insert(TestSigningKeys.active("active").build());

		assertThat(this.keys.findByState(SigningKey.State.NEXT)).map(SigningKey::kid).hasValue("new-next");
		assertThat(this.keys.findByState(SigningKey.State.ACTIVE)).map(SigningKey::kid).hasValue("active");
		assertThat(this.keys.findByState(SigningKey.State.RETIRED)).isEmpty();
	}

	@Test
	void insertWhenAnotherKeyIsActiveThenDuplicateKey() {
		this.keys.insert(TestSigningKeys.active("first").build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.keys.insert(TestSigningKeys.active("second").build()));
	}

	@Test
	void activateWhenAnotherKeyIsStillActiveThenDuplicateKey() {
		this.keys.insert(TestSigningKeys.active("first").build());
		this.keys.insert(TestSigningKeys.next("second").build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.keys.activate("second", T0.plusSeconds(5)));
	}

	@Test
	void insertWhenKidTakenThenDuplicateKey() {
		this.keys.insert(TestSigningKeys.next("kid").build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.keys.insert(TestSigningKeys.next("kid").build()));
	}

	@Test
	void rotationWhenActiveRetiredAndNextActivatedThenStatesAndTimesWritten() {
		this.keys.insert(TestSigningKeys.active("old").build());
		this.keys.insert(TestSigningKeys.next("new").build());
		Instant at = T0.plus(Duration.ofDays(2)).plusNanos(654_321_000);
		this.keys.scheduleActivation("new", at.minusSeconds(1));

		this.keys.retire("old", at);
		this.keys.activate("new", at);

		SigningKey retired = this.keys.findByState(SigningKey.State.RETIRED).orElseThrow();
		assertThat(retired.kid()).isEqualTo("old");
		assertThat(retired.retiredAt()).isEqualTo(at);
		assertThat(retired.activatedAt()).isEqualTo(T0);
		SigningKey active = this.keys.findByState(SigningKey.State.ACTIVE).orElseThrow();
		assertThat(active.kid()).isEqualTo("new");
		assertThat(active.activatedAt()).isEqualTo(at);
		assertThat(active.activateAfter()).as("a performed rotation is no longer scheduled").isNull();
		assertThat(this.keys.findByState(SigningKey.State.NEXT)).isEmpty();
	}

	@Test
	void scheduleActivationWhenKeyIsNextThenWrittenElseIgnored() {
		this.keys.insert(TestSigningKeys.active("active").build());
		this.keys.insert(TestSigningKeys.next("next").build());
		Instant at = T0.plus(Duration.ofHours(1));

		this.keys.scheduleActivation("next", at);
		this.keys.scheduleActivation("active", at);

		assertThat(this.keys.findByState(SigningKey.State.NEXT).orElseThrow().activateAfter()).isEqualTo(at);
		assertThat(this.keys.findByState(SigningKey.State.ACTIVE).orElseThrow().activateAfter()).isNull();
	}

	@Test
	void deleteWhenKeyExistsThenOnlyThatOneGone() {
		this.keys.insert(TestSigningKeys.active("active").build());
		this.keys.insert(TestSigningKeys.next("next").build());

		this.keys.delete("active");

		assertThat(this.keys.findAll()).extracting(SigningKey::kid).containsExactly("next");
	}

	@Test
	void deleteRetiredBeforeWhenRetiredBeforeCutoffThenDeletedOthersKept() {
		Instant cutoff = T0.plus(Duration.ofDays(10));
		this.keys.insert(TestSigningKeys.next("retired-long-ago").build());
		this.keys.insert(TestSigningKeys.next("retired-at-cutoff").build());
		this.keys.insert(TestSigningKeys.next("retired-recently").build());
		this.keys.insert(TestSigningKeys.active("active-old").build());
		this.keys.insert(TestSigningKeys.next("next-old").createdAt(T0.minus(Duration.ofDays(100))).build());
		this.keys.retire("retired-long-ago", cutoff.minusNanos(1000));
		this.keys.retire("retired-at-cutoff", cutoff);
		this.keys.retire("retired-recently", cutoff.plusSeconds(1));

		assertThat(this.keys.deleteRetiredBefore(cutoff)).isEqualTo(1);
		assertThat(this.keys.findAll()).extracting(SigningKey::kid)
			.containsExactlyInAnyOrder("retired-at-cutoff", "retired-recently", "active-old", "next-old");
	}

	@Test
	void fingerprintWhenAnyKeyChangesThenChangesElseStaysTheSame() {
		assertThat(this.keys.fingerprint()).isEqualTo("0:");
		this.keys.insert(TestSigningKeys.active("a").build());
		this.keys.insert(TestSigningKeys.next("b").build());
		String initial = this.keys.fingerprint();
		assertThat(initial).isEqualTo("2:aactive,bnext");
		assertThat(this.keys.fingerprint()).isEqualTo(initial);

		this.keys.scheduleActivation("b", T0.plusSeconds(30));
		String scheduled = this.keys.fingerprint();
		assertThat(scheduled).isNotEqualTo(initial).startsWith("2:aactive,bnext");

		this.keys.retire("a", T0.plusSeconds(40));
		String retired = this.keys.fingerprint();
		assertThat(retired).isNotIn(initial, scheduled);

		this.keys.activate("b", T0.plusSeconds(40));
		String rotated = this.keys.fingerprint();
		assertThat(rotated).isEqualTo("2:aretired,bactive");

		this.keys.delete("a");
		assertThat(this.keys.fingerprint()).isEqualTo("1:bactive");
	}

	@Test
	void masterKeyCheckWhenInsertedTwiceThenFirstKept() {
		assertThat(this.keys.findMasterKeyCheck()).isEmpty();

		this.keys.insertMasterKeyCheck(new byte[] { 1, 2, 3 });
		this.keys.insertMasterKeyCheck(new byte[] { 9 });

		assertThat(this.keys.findMasterKeyCheck())
			.hasValueSatisfying((sealed) -> assertThat(sealed).containsExactly(1, 2, 3));
	}

}
