package dev.tollgate.admin;

/** {@code ETag} / {@code If-Match} as the resource's version number. */
final class ETags {

	private ETags() {
	}

	static String of(int version) {
		return "\"" + version + "\"";
	}

	/**
	 * The version an {@code If-Match} asks for; {@code null} when absent or {@code *}.
	 */
	static Integer expected(String ifMatch) {
		if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
			return null;
		}
		String value = ifMatch.strip();
		if (value.startsWith("W/")) {
			value = value.substring(2);
		}
		value = value.replace("\"", "");
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			// An ETag we never issued can only be stale.
			return -1;
		}
	}

}
