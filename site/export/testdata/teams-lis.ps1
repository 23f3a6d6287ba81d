# Teams emergency locations (LIS), written by cutover export teams-lis. Sites: KX
# Runs in Windows PowerShell 5.1 or PowerShell 7, connected with Connect-MicrosoftTeams.
# Fill in each location's LocationId (Get-CsOnlineLisLocation) below, or run with -CreateLocations
# to create the civic address and the locations that have none. Every LocationId and CivicAddressId
# given is looked up in Teams first; if one is missing or not found, nothing is changed.
[CmdletBinding()]
param([switch]$CreateLocations)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$CivicAddresses = @(
    [pscustomobject]@{ Site = 'KX'; CivicAddressId = ''; CompanyName = 'Kestrel Cross Police Station'; CountryOrRegion = 'GB'; HouseNumber = '1'; StreetName = 'Kestrel Cross Road'; City = 'London'; PostalCode = 'N1 9ZZ'; Latitude = '51.5308'; Longitude = '-0.1238'; Description = '1 Kestrel Cross Road, London N1 9ZZ' }
)

# One entry per place; the switches and ports below name it by its index.
$Locations = @(
    [pscustomobject]@{ Index = 0; Address = 0; Site = 'KX'; Building = ''; Floor = ''; Room = ''; Location = ''; LocationId = '' }
    [pscustomobject]@{ Index = 1; Address = 0; Site = 'KX'; Building = 'Main'; Floor = '2'; Room = 'CID office'; Location = 'Main / 2 / CID office'; LocationId = '' }
    [pscustomobject]@{ Index = 2; Address = 0; Site = 'KX'; Building = 'Main'; Floor = '3'; Room = 'Neighbourhood team office'; Location = 'Main / 3 / Neighbourhood team office'; LocationId = '' }
)

# Pre-flight: nothing is changed unless every ID given exists in Teams.
$problems = New-Object System.Collections.Generic.List[string]
foreach ($a in $CivicAddresses) {
    if ($a.CivicAddressId -ne '') {
        $found = $null
        try { $found = Get-CsOnlineLisCivicAddress -CivicAddressId $a.CivicAddressId } catch { $found = $null }
        if ($null -eq $found) { $problems.Add('civic address of site ' + $a.Site + ': CivicAddressId ' + $a.CivicAddressId + ' not found in Teams') }
    } elseif ($CreateLocations -and ($a.CompanyName -eq '' -or $a.CountryOrRegion -eq '')) {
        $problems.Add('civic address of site ' + $a.Site + ': CompanyName and CountryOrRegion are needed to create it (or fill in its CivicAddressId)')
    }
}
foreach ($l in $Locations) {
    $where = 'location ' + $l.Index + ' (' + $l.Site + ' ' + $l.Location + ')'
    if ($l.LocationId -eq '') {
        if (-not $CreateLocations) { $problems.Add($where + ': no LocationId (fill it in, or run with -CreateLocations)') }
        elseif ($l.Address -lt 0) { $problems.Add($where + ': no civic address for its site') }
        continue
    }
    if ($null -eq ($l.LocationId -as [guid])) { $problems.Add($where + ': LocationId ' + $l.LocationId + ' is not a GUID'); continue }
    $found = $null
    try { $found = Get-CsOnlineLisLocation -LocationId $l.LocationId } catch { $found = $null }
    if ($null -eq $found) { $problems.Add($where + ': LocationId ' + $l.LocationId + ' not found in Teams (Get-CsOnlineLisLocation)') }
}
if ($problems.Count -gt 0) {
    throw ('Nothing was changed: ' + ($problems -join '; '))
}

if ($CreateLocations) {
    foreach ($a in $CivicAddresses) {
        if ($a.CivicAddressId -ne '') { continue }
        $given = @{ CompanyName = $a.CompanyName; CountryOrRegion = $a.CountryOrRegion }
        foreach ($n in @('HouseNumber', 'StreetName', 'City', 'PostalCode', 'Latitude', 'Longitude', 'Description')) {
            if ($a.$n -ne '') { $given[$n] = $a.$n }
        }
        $made = New-CsOnlineLisCivicAddress @given
        $a.CivicAddressId = [string]$made.CivicAddressId
        $a | Add-Member -NotePropertyName DefaultLocationId -NotePropertyValue ([string]$made.DefaultLocationId) -Force
        Write-Output ('created civic address ' + $a.CivicAddressId + ' for site ' + $a.Site)
    }
    foreach ($l in $Locations) {
        if ($l.LocationId -ne '') { continue }
        $a = $CivicAddresses[$l.Address]
        if ($l.Location -eq '') {
            $id = ''
            if ($a.PSObject.Properties['DefaultLocationId']) { $id = $a.DefaultLocationId }
            if ($id -eq '') { $id = [string](Get-CsOnlineLisCivicAddress -CivicAddressId $a.CivicAddressId).DefaultLocationId }
            $l.LocationId = $id
        } else {
            $made = New-CsOnlineLisLocation -CivicAddressId $a.CivicAddressId -Location $l.Location
            $l.LocationId = [string]$made.LocationId
        }
        Write-Output ('location ' + $l.Index + ' (' + $l.Site + ' ' + $l.Location + '): ' + $l.LocationId)
    }
}

# Switches: the chassis ID each one advertises in LLDP (lldpLocChassisId).
Set-CsOnlineLisSwitch -ChassisID '00-5D-73-41-01-00' -LocationId $Locations[0].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ'
Set-CsOnlineLisSwitch -ChassisID '00-0C-DB-41-02-00' -LocationId $Locations[0].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ'
Set-CsOnlineLisSwitch -ChassisID '00-5D-73-41-03-00' -LocationId $Locations[0].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ'

# Ports: the port ID each one advertises in LLDP (lldpLocPortId), on its switch's chassis ID.
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/15' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/16' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/17' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/18' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/30' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/20' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/21' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/22' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/23' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/24' -LocationId $Locations[1].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '1' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '2' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '3' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '4' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '5' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '6' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '7' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '8' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '9' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '10' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '11' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '12' -LocationId $Locations[2].LocationId -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
