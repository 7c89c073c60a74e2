package dev.tollgate.jira;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A Jira group as Jira names it: by its name and, where Jira gives one, its
 * {@code groupId}. Atlassian is moving from names to ids, and an id survives a rename
 * (and tells apart a group deleted and created again under the same name).
 *
 * @param name the group's name, as Jira shows it now ({@code null} if Jira gives none)
 * @param groupId the group's id ({@code null} where Jira gives none)
 */
public record JiraGroup(@Nullable String name, @Nullable String groupId) {

	/**
	 * Whether this and {@code other} are the same group: by {@code groupId} when both
	 * have one, else by name (case-insensitive, as Jira compares group names).
	 */
	public boolean sameAs(JiraGroup other) {
		if (this.groupId != null && other.groupId() != null) {
			return this.groupId.equalsIgnoreCase(other.groupId());
		}
		return this.name != null && other.name() != null
				&& this.name.strip().toLowerCase(Locale.ROOT).equals(other.name().strip().toLowerCase(Locale.ROOT));
	}

}
