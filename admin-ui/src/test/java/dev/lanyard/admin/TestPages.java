package dev.lanyard.admin;

import java.util.List;

/** {@link Page} fixtures. */
public final class TestPages {

	private TestPages() {
	}

	/** One page of {@code all}, as a port answers it. */
	public static <T> Page<T> slice(List<T> all, int page, int size) {
		long from = Math.min((long) page * size, all.size());
		long to = Math.min(from + size, all.size());
		return new Page<>(all.subList((int) from, (int) to), page, size, all.size());
	}

}
