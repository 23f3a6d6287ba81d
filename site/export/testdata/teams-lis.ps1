# Teams emergency locations (LIS switches and ports), written by cutover export teams-lis
# Sites: KX
# Fill in each location's LocationId (from Get-CsOnlineLisLocation) below, then run this script
# in a session connected with Connect-MicrosoftTeams. Nothing is changed while one is missing.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$LocationIds = @{
    'KX' = ''
    'KX / Main / 2 / CID office' = ''
    'KX / Main / 3 / Neighbourhood team office' = ''
}

$missing = @($LocationIds.Keys | Where-Object { -not ($LocationIds[$_] -as [guid]) })
if ($missing.Count -gt 0) {
    throw ('LocationId missing or not a GUID for: ' + ($missing -join '; '))
}

# Switches: the chassis ID each one advertises in LLDP (lldpLocChassisId).
Set-CsOnlineLisSwitch -ChassisID '00-5D-73-41-01-00' -LocationId $LocationIds['KX'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ'
Set-CsOnlineLisSwitch -ChassisID '00-0C-DB-41-02-00' -LocationId $LocationIds['KX'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ'
Set-CsOnlineLisSwitch -ChassisID '00-5D-73-41-03-00' -LocationId $LocationIds['KX'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ'

# Ports: the port ID each one advertises in LLDP (lldpLocPortId), on its switch's chassis ID.
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/15' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/16' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/17' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/18' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/30' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/20' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/21' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/22' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/23' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-5D-73-41-01-00' -PortID 'Gi1/0/24' -LocationId $LocationIds['KX / Main / 2 / CID office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 2 / CID office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '1' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '2' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '3' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '4' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '5' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '6' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '7' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '8' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '9' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '10' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '11' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
Set-CsOnlineLisPort -ChassisID '00-0C-DB-41-02-00' -PortID '12' -LocationId $LocationIds['KX / Main / 3 / Neighbourhood team office'] -Description 'Kestrel Cross Police Station; 1 Kestrel Cross Road, London N1 9ZZ; Main / 3 / Neighbourhood team office'
