package site

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestCivicAddressInBothInventoryForms: the JSON site object and the CSV
// columns give the site's structured address by the same names; it is
// normalised (the country in capitals), kept by the import, and read back.
func TestCivicAddressInBothInventoryForms(t *testing.T) {
	want := CivicAddress{HouseNumber: "1", Street: "Kestrel Cross Road", City: "London", Postcode: "N1 9ZZ", Country: "GB",
		Latitude: "51.5308", Longitude: "-0.1238"}
	json := `{"site": {"code": "KX", "name": "Kestrel Cross", "house_number": "1", "street": " Kestrel  Cross Road ", "city": "London",
		"postcode": "N1 9ZZ", "country": "gb", "latitude": "51.5308", "longitude": "-0.1238"},
		"positions": [{"label": "FC-01", "role": "front_counter", "legacy_vendor": "cisco", "extension": "31001"}]}`
	csv := "site,label,role,legacy_vendor,extension,house_number,street,city,postcode,country,latitude,longitude\n" +
		"KX,FC-01,front_counter,cisco,31001,1,Kestrel Cross Road,London,N1 9ZZ,GB,51.5308,-0.1238\n" +
		"KX,FC-02,front_counter,cisco,31002,,,,,,,\n" +
		"KX,FC-03,front_counter,cisco,31003,1,Kestrel Cross Road,London,N1 9ZZ,gb,51.5308,-0.1238\n"
	for name, data := range map[string]string{"kx.json": json, "kx.csv": csv} {
		inv, err := ParseInventory(name, []byte(data), ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := inv.Sites[0].Civic; got != want {
			t.Errorf("%s: civic address %+v; want %+v", name, got, want)
		}
		st, err := Open(filepath.Join(t.TempDir(), "c.db"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(context.Background(), "tester", inv, []byte(data), SiteOverrides{}); err != nil {
			t.Fatalf("%s: import: %v", name, err)
		}
		got, err := st.CivicAddress(context.Background(), "kx")
		if err != nil || got != want {
			t.Errorf("%s: stored civic address %+v, %v", name, got, err)
		}
		st.Close()
	}
}

// TestCivicAddressIsCheckedOnImport: each wrong address is refused with
// its line, column and field.
func TestCivicAddressIsCheckedOnImport(t *testing.T) {
	head := "site,label,role,legacy_vendor,extension,house_number,street,city,postcode,country,latitude,longitude\n"
	cases := map[string]string{
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1,,,\n":                                                             "2:10: country: missing country",
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1,GBR,,\n":                                                          "2:10: country: bad country",
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1,G1,,\n":                                                           "2:10: country: bad country",
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1,GB,51.5,\n":                                                       "2:11: latitude: give latitude and longitude together",
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1,GB,91,0\n":                                                        "2:11: latitude: bad latitude",
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1,GB,0,NaN\n":                                                       "2:12: longitude: bad longitude",
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1 9ZZ 9ZZ 9ZZ 9ZZ,GB,,\n":                                           "2:9: postcode: value is 18 characters long",
		"KX,FC-01,front_counter,cisco,31001,1,\"Road\u202e\",London,N1,GB,,\n":                                                 "2:7: street:",
		"KX,FC-01,front_counter,cisco,31001,1,Road,London,N1,GB,,\nKX,FC-02,front_counter,cisco,31002,2,Road,London,N1,GB,,\n": "3:6: house_number: the site's address differs from the one given at line 2",
	}
	for rows, want := range cases {
		_, err := ParseInventory("kx.csv", []byte(head+rows), ParseOptions{})
		var ps Problems
		if !errors.As(err, &ps) || !strings.Contains(err.Error(), "kx.csv:"+want) {
			t.Errorf("%q: %v; want a problem %q", rows, err, want)
		}
	}
	json := `{"site": {"code": "KX", "country": "United Kingdom"}, "positions": [{"label": "FC-01", "role": "front_counter", "legacy_vendor": "cisco", "extension": "31001"}]}`
	if _, err := ParseInventory("kx.json", []byte(json), ParseOptions{}); err == nil || !strings.Contains(err.Error(), "site.country: bad country") {
		t.Errorf("JSON site object: %v", err)
	}
}
