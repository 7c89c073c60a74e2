package dev.tollgate.pipeline.support;

/**
 * A credential value. It only leaves through {@link #reveal()}, at the moment it goes on
 * the wire; {@link #toString()} never shows it, so it cannot slip into a log line or an
 * exception message.
 */
public final class Secret {

	private final String value;

	public Secret(String value) {
		this.value = value;
	}

	public String reveal() {
		return this.value;
	}

	@Override
	public String toString() {
		return "Secret[hidden]";
	}

}
