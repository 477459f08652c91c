{{/* Names and labels shared by the templates */}}
{{- define "gatehouse.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gatehouse.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gatehouse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gatehouse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* the server pods only: the migration Job's pods share the selector labels but not this component, so the
Service (and the PDB) never count them */}}
{{- define "gatehouse.serverSelectorLabels" -}}
{{ include "gatehouse.selectorLabels" . }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "gatehouse.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "gatehouse.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "gatehouse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gatehouse.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* the image: repository@digest when a digest is set, else repository:tag (appVersion by default) */}}
{{- define "gatehouse.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* the required settings: the issuer and the secrets, each from the existing Secret */}}
{{- define "gatehouse.env" -}}
- name: NODE_ENV
  value: production
- name: ISSUER
  value: {{ required "issuer is required (the public https URL)" .Values.issuer | quote }}
{{- $secret := required "existingSecret is required (a Secret with DATABASE_URL, REDIS_URL, SMTP_URL, COOKIE_KEYS, MASTER_KEY)" .Values.existingSecret }}
{{- range $name, $key := dict "DATABASE_URL" .Values.secretKeys.databaseUrl "REDIS_URL" .Values.secretKeys.redisUrl "SMTP_URL" .Values.secretKeys.smtpUrl "COOKIE_KEYS" .Values.secretKeys.cookieKeys "MASTER_KEY" .Values.secretKeys.masterKey }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}
