package dev.tollgate.policy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

@Entity
@Table(name = "role_binding")
class RoleBindingEntity {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	Long id;

	@ManyToOne(fetch = FetchType.EAGER, optional = false)
	@JoinColumn(name = "role_id")
	RoleEntity role;

	@Enumerated(EnumType.STRING)
	@Column(name = "subject_type", nullable = false)
	RoleBinding.SubjectType subjectType;

	@Column(nullable = false)
	String subject;

	@Column(name = "project_key")
	String projectKey;

	RoleBinding record() {
		return new RoleBinding(this.id, this.role.name, this.subjectType, this.subject, this.projectKey);
	}

}
