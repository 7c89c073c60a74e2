package dev.tollgate.policy;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Spring Data repository; only this package uses it. */
interface RoleBindings extends JpaRepository<RoleBindingEntity, Long> {

	List<RoleBindingEntity> findAllByOrderByIdAsc();

	long countByRole(RoleEntity role);

}
