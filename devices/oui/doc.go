// Package oui maps the first three octets of a MAC address to the phone
// vendors a cutover cares about. The table (phone_ouis.txt) is written by
// hand from the public IEEE MA-L registry; see that file for how to refresh it.
package oui
