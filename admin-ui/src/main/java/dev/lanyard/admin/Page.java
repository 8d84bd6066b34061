package dev.lanyard.admin;

import java.util.List;

/**
 * One page of a longer list. Immutable.
 *
 * @param items the items on this page
 * @param page the page number, from 0
 * @param size the page size
 * @param total how many items there are in all
 */
public record Page<T>(List<T> items, int page, int size, long total) {

	public Page {
		items = List.copyOf(items);
	}

	public boolean hasPrevious() {
		return this.page > 0;
	}

	public boolean hasNext() {
		return ((long) this.page + 1) * this.size < this.total;
	}

	public int pages() {
		return (int) Math.max(1, (this.total + this.size - 1) / this.size);
	}

}
