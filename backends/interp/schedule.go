package interp

import (
	"cmp"
	"slices"

	"snnc/ir"
)

// schedState is one scheduled kernel (at, every) and when it runs.
type schedState struct {
	when ir.Schedule
	k    *kernel
}

// buildSchedules compiles the scheduled kernels of every population,
// global and projection, in the order of their declarations (the order
// they run in when due in the same step).
func (s *sim) buildSchedules() error {
	add := func(owner string, k *ir.Kernel, e *env, st *site) error {
		when, ok := ir.ParseSchedule(k.Name)
		if !ok || k.Role != ir.RoleSchedule {
			return nil
		}
		kn, err := e.compile(owner, k, st)
		if err != nil {
			return err
		}
		s.scheds = append(s.scheds, &schedState{when: when, k: kn})
		return nil
	}
	for _, ps := range s.pops {
		for _, k := range ps.p.Kernels {
			if err := add(ps.p.Name, k, s.env(ps.ref), ps.site); err != nil {
				return err
			}
		}
	}
	for _, pr := range s.projs {
		for _, k := range pr.pr.Kernels {
			if err := add(pr.pr.Name, k, s.env(nil), pr.site); err != nil {
				return err
			}
		}
	}
	slices.SortStableFunc(s.scheds, func(a, b *schedState) int { return cmp.Compare(a.when.Order, b.when.Order) })
	return nil
}

// runSchedules runs the scheduled code due in step k (slot 0 of the
// step, spec/language.md section 6): each kernel on all its elements in
// order, one kernel after the other.
func (s *sim) runSchedules(k int64, t float64) {
	for _, sc := range s.scheds {
		if sc.when.Due(k) {
			sc.k.all(k, t, nil)
		}
	}
}
