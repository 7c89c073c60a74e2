package dev.tollgate.policy;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Spring Data repository; only this package uses it. */
interface Roles extends JpaRepository<RoleEntity, Long> {

	@Query("select r from RoleEntity r where lower(r.name) = lower(?1)")
	Optional<RoleEntity> findByName(String name);

	List<RoleEntity> findAllByOrderByNameAsc();

}
