{{/* The chart name, or nameOverride */}}
{{- define "perch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource names: fullnameOverride, or release-chart (just the release name when it holds the chart name) */}}
{{- define "perch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "perch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "perch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "perch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "perch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The Secret holding the API token and the database password: existingSecret or the chart's own */}}
{{- define "perch.secretName" -}}
{{- default (include "perch.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* Whether the chart creates its own Secret */}}
{{- define "perch.createSecret" -}}
{{- if and (not .Values.existingSecret) (or .Values.auth.token .Values.postgresql.enabled) }}true{{ end }}
{{- end }}

{{/* host:port/database?parameters of the PostgreSQL server, shared by the R2DBC and the JDBC (Flyway) URL */}}
{{- define "perch.postgresqlAddress" -}}
{{- $pg := .Values.postgresql }}
{{- printf "%s:%d/%s" (required "postgresql.host is required when postgresql.enabled is true" $pg.host) (int $pg.port) $pg.database }}
{{- with $pg.parameters }}?{{ . }}{{ end }}
{{- end }}
