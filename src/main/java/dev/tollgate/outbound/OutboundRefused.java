package dev.tollgate.outbound;

/**
 * An outbound call was refused by the {@link OutboundPolicy}. The message names the host
 * and the rule; it never contains the URL's path, query or credentials.
 */
public class OutboundRefused extends RuntimeException {

	OutboundRefused(String host, String rule) {
		super("Outbound call to '" + host + "' refused: " + rule);
	}

}
