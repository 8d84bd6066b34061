package dev.lanyard.admin.key;

import java.util.List;

import dev.lanyard.admin.Actor;

/** Port: the signing keys and rotating them. Implemented by the server. */
public interface KeyAdministration {

	/** Every key, newest first. */
	List<KeyView> keys();

	/**
	 * Rotates now: the published next key starts signing, the active one retires (still
	 * published until its tokens expire), and a new next key is published.
	 */
	void rotate(Actor actor);

}
