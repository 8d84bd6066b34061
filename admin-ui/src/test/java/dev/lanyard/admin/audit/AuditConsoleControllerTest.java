package dev.lanyard.admin.audit;

import java.time.Instant;
import java.util.Map;
import java.util.stream.LongStream;

import dev.lanyard.admin.AdminConsoleWebMvcTest;
import dev.lanyard.admin.audit.InMemoryAuditAdministration.Search;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

/**
 * {@link AuditConsoleController}: the filters as a query (days in UTC, the end day
 * included), the events, and paging that keeps the filters.
 */
@AdminConsoleWebMvcTest
class AuditConsoleControllerTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryAuditAdministration audit;

	@Test
	void listWhenFilteredThenQueryFromFiltersAndFiltersKept() throws Exception {
		this.mvc
			.perform(get("/admin/audit").param("actor", " alice ")
				.param("action", "client.")
				.param("from", "2026-03-01")
				.param("to", "2026-03-02"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/audit"))
			.andExpect(content().string(containsString("id=\"actor\" name=\"actor\" type=\"text\" value=\" alice \"")))
			.andExpect(
					content().string(containsString("id=\"from\" name=\"from\" type=\"date\" value=\"2026-03-01\"")));
		assertThat(this.audit.searches()).containsExactly(new Search(new AuditQuery("alice", "client.",
				Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-03T00:00:00Z")), 0, 50));
	}

	@Test
	void listWhenNoFiltersThenEverythingAndFirstPage() throws Exception {
		this.mvc.perform(get("/admin/audit").param("actor", "  ").param("page", "-2")).andExpect(status().isOk());
		assertThat(this.audit.searches()).containsExactly(new Search(new AuditQuery(null, null, null, null), 0, 50));
	}

	@Test
	void listWhenDayUnreadableThenThatBoundIgnored() throws Exception {
		this.mvc.perform(get("/admin/audit").param("from", "yesterday").param("to", "2026-02-30"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("value=\"yesterday\"")));
		assertThat(this.audit.searches()).singleElement().satisfies((search) -> {
			assertThat(search.query().from()).isNull();
			assertThat(search.query().to()).isNull();
		});
	}

	/**
	 * HD-08: days beyond the years PostgreSQL can compare with are brought within them,
	 * and the last day a date can name, which has no next day, is no bound (each was a
	 * 500).
	 */
	@Test
	void listWhenDayBeyondTheCalendarThenBoundWithinIt() throws Exception {
		this.mvc.perform(get("/admin/audit").param("from", "-999999999-01-01").param("to", "+300000-01-01"))
			.andExpect(status().isOk());
		this.mvc.perform(get("/admin/audit").param("to", "+999999999-12-31")).andExpect(status().isOk());
		assertThat(this.audit.searches()).hasSize(2);
		assertThat(this.audit.searches().get(0).query().from()).isEqualTo(AuditQuery.EARLIEST);
		assertThat(this.audit.searches().get(0).query().to()).isEqualTo(AuditQuery.LATEST);
		assertThat(this.audit.searches().get(1).query().to()).isNull();
	}

	@Test
	void listWhenEventsThenOneRowEachWithTimeTargetAddressAndDetails() throws Exception {
		this.audit.add(TestAuditEntries.entry(3, "user.updated")
			.target("user:id-bob")
			.details(Map.of("fields", "enabled"))
			.build());
		this.mvc.perform(get("/admin/audit"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<td>2026-03-02 12:34:56 UTC</td>")))
			.andExpect(content().string(containsString("<td>client.created</td>")))
			.andExpect(content().string(containsString("<td>client:web-app</td>")))
			.andExpect(content().string(containsString("<td>192.0.2.10</td>")))
			.andExpect(content().string(containsString("<td><code>{fields=enabled}</code></td>")))
			// No details: an empty cell, not "{}".
			.andExpect(content().string(not(containsString("{}"))));
	}

	@Test
	void listWhenNoEventsThenNothingHere() throws Exception {
		this.audit.clear();
		this.mvc.perform(get("/admin/audit")).andExpect(content().string(containsString("Nothing here yet.")));
	}

	@Test
	void listWhenSeveralPagesThenPagerKeepsFilters() throws Exception {
		this.audit.clear();
		LongStream.range(0, 120).forEach((id) -> this.audit.add(TestAuditEntries.entry(id, "login.failed").build()));
		this.mvc.perform(get("/admin/audit").param("actor", "a&b").param("action", "login.").param("page", "1"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Page 2 of 3")))
			.andExpect(content().string(containsString(
					"href=\"/admin/audit?actor=a%26b&amp;action=login.&amp;from=&amp;to=&amp;page=0\">Previous")))
			.andExpect(content().string(containsString(
					"href=\"/admin/audit?actor=a%26b&amp;action=login.&amp;from=&amp;to=&amp;page=2\">Next")));
		assertThat(this.audit.searches()).extracting(Search::page).containsExactly(1);
	}

	/** A day typed as text cannot add parameters to the pager's links. */
	@Test
	void listWhenDayHasQuerySyntaxThenEscapedInPagerLinks() throws Exception {
		LongStream.range(0, 60).forEach((id) -> this.audit.add(TestAuditEntries.entry(id, "login.failed").build()));
		this.mvc.perform(get("/admin/audit").param("from", "2026-03-01&actor=mallory").param("to", "x y"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString(
					"href=\"/admin/audit?actor=&amp;action=&amp;from=2026-03-01%26actor%3Dmallory&amp;to=x%20y&amp;page=1\">Next")));
	}

	@Test
	void listWhenChineseThenChineseMessages() throws Exception {
		this.mvc.perform(get("/admin/audit").header("Accept-Language", "zh-CN"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<h1>审计日志</h1>")))
			.andExpect(content().string(not(containsString("??"))));
	}

}
