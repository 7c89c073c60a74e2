package dev.tollgate.policy;

/**
 * Whether a target's {@code credentialRef} can ever resolve, checked when the target is
 * saved. The module that resolves credentials supplies it as a bean, so a reference that
 * names Tollgate's own configuration or a file outside the allowed roots is a 422 on save
 * rather than a dead trigger job later.
 */
public interface CredentialRefCheck {

	/** Why {@code credentialRef} can never work; {@code null} when it may. */
	String problem(String credentialRef);

}
