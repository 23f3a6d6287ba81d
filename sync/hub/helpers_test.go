package hub_test

import "github.com/google/uuid"

func newID() string {
	u, _ := uuid.NewV7()
	return u.String()
}
